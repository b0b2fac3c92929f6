"""Load Kota Banjarmasin's 5 kecamatan and 52 kelurahan from volunteers/data/.

Kelurahan codes are provisional (<kecamatan code>.<1001+n> in the CSV's order): the
reference file has none and public copies disagree. Admins correct them in the admin.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "wilayah_banjarmasin.csv"


def load(apps, schema_editor):
    Kecamatan = apps.get_model("volunteers", "Kecamatan")
    Kelurahan = apps.get_model("volunteers", "Kelurahan")
    counters: dict[str, int] = {}
    with DATA.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            kec, _ = Kecamatan.objects.get_or_create(
                code=row["kecamatan_code"], defaults={"name": row["kecamatan"]}
            )
            n = counters.get(kec.code, 0) + 1
            counters[kec.code] = n
            Kelurahan.objects.get_or_create(
                kecamatan=kec, name=row["kelurahan"],
                defaults={"code": f"{kec.code}.{1000 + n}"},
            )


class Migration(migrations.Migration):
    dependencies = [("volunteers", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
