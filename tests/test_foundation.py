from __future__ import annotations

import pytest

from cases.models import Category
from volunteers.models import Kecamatan, Kelurahan

pytestmark = pytest.mark.django_db


def test_migrate_loads_52_kelurahan_in_5_kecamatan():
    assert Kecamatan.objects.count() == 5
    assert Kelurahan.objects.count() == 52
    per_kecamatan = {k.name: k.kelurahan_set.count() for k in Kecamatan.objects.all()}
    assert sum(per_kecamatan.values()) == 52
    assert all(n > 0 for n in per_kecamatan.values())
    assert Kecamatan.objects.get(code="63.71.04").name == "Banjarmasin Utara"


def test_migrate_loads_26_ppks_types_plus_home_repair():
    assert Category.objects.count() == 27
    assert Category.objects.filter(code__startswith="PPKS-").count() == 26
    rtlh = Category.objects.get(code="RTLH")
    assert "bedah rumah" in rtlh.name
    assert Category.objects.get(code="PPKS-08").default_priority == "high"


def test_pg_trgm_extension_is_installed(django_db_blocker):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT similarity('Siti Aminah', 'Siti Aminah Rahma')")
        assert cursor.fetchone()[0] > 0.5
