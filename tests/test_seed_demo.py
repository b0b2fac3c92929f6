from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command

from cases.models import Case, CaseEvent
from psm.accounts.models import User
from psm.nik import validate_nik

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_makes_every_role(settings, tmp_path, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr("cases.management.commands.seed_demo.PASSWORD_FILE", tmp_path / "pw.json")
    call_command("seed_demo")
    users = User.objects.count()
    call_command("seed_demo")
    assert User.objects.count() == users
    assert set(User.objects.values_list("role", flat=True)) == set(User.Role.values)


def test_seed_demo_refuses_production_settings(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")


def test_seed_demo_cases_give_a_realistic_spread(settings, tmp_path, monkeypatch):
    settings.DEBUG = True
    monkeypatch.setattr("cases.management.commands.seed_demo.PASSWORD_FILE", tmp_path / "pw.json")
    call_command("seed_demo", cases=500)
    assert Case.objects.count() == 500
    call_command("seed_demo", cases=500)  # idempotent
    assert Case.objects.count() == 500
    statuses = Counter(Case.objects.values_list("status", flat=True))
    assert statuses["closed"] > 200  # most cases are closed
    assert 5 <= sum(statuses[s] for s in Case.OPEN_STATUSES) <= 150
    assert len(statuses) == len(Case.Status.values)  # every state occurs
    assert Case.objects.values("category").distinct().count() >= 15
    assert Case.objects.values("kelurahan").distinct().count() >= 15
    assert Case.objects.values("kelurahan__kecamatan").distinct().count() == 5
    # timelines are real and ordered after filing
    case = Case.objects.filter(status="closed").first()
    stamps = list(case.events.values_list("created_at", flat=True))
    assert stamps == sorted(stamps) and stamps[0] == case.created_at
    assert case.first_response_at and case.first_response_at >= case.created_at
    assert CaseEvent.objects.count() > 500 * 2
    for b in Case.objects.exclude(beneficiary__nik=None).select_related("beneficiary")[:50]:
        validate_nik(b.beneficiary.nik, birth_date=b.beneficiary.birth_date, sex=b.beneficiary.sex)
