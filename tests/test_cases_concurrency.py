"""Concurrent intake against PostgreSQL: unique references, one case per form."""

from __future__ import annotations

import uuid

import pytest

from cases.models import Case
from cases.services import case_file
from tests.cases_support import beneficiary, category, in_parallel, kelurahan

# serialized_rollback: the flush after each test would drop the seeded wilayah and categories.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
WORKERS = 8


def test_concurrent_intake_gives_unique_references(relawan_alalak):
    person = beneficiary(with_nik=False)
    kel, cat = kelurahan("Alalak Utara"), category()

    def file_one(i: int) -> str:
        case = case_file(
            reported_by=relawan_alalak,
            beneficiary=person,
            category=cat,
            kelurahan=kel,
            address=f"Jl. Uji {i}",
            description="Uji serentak",
        )
        return case.reference

    references = [r for _ in range(3) for r in in_parallel(file_one, WORKERS)]
    assert len(set(references)) == len(references) == 3 * WORKERS
    assert all(r.startswith("BJM-") and len(r.split("-")[2]) == 6 for r in references)


def test_concurrent_double_submit_creates_one_case(relawan_alalak):
    person = beneficiary(with_nik=False)
    kel, cat, key = kelurahan("Alalak Utara"), category(), uuid.uuid4()

    def submit(i: int) -> int:
        return case_file(
            reported_by=relawan_alalak,
            beneficiary=person,
            category=cat,
            kelurahan=kel,
            address="Jl. Sama",
            description="Klik dua kali",
            idempotency_key=key,
        ).pk

    ids = in_parallel(submit, WORKERS)
    assert len(set(ids)) == 1 and Case.objects.count() == 1


def test_concurrent_intake_requests_through_the_web(relawan_alalak, client):
    from django.test import Client
    from django.urls import reverse

    from tests.test_cases_intake import intake_data

    def post(i: int) -> int:
        c = Client()
        c.force_login(relawan_alalak)
        # Ten different people: other birth dates too, or "Warga 1" and "Warga 10" born the
        # same day are a likely duplicate and the form asks "is this the same person?".
        data = intake_data(name=f"Warga {i}", birth_date=f"1950-04-{i + 1:02d}")
        return c.post(reverse("cases:new"), data).status_code

    assert in_parallel(post, WORKERS) == [302] * WORKERS
    refs = list(Case.objects.values_list("reference", flat=True))
    assert len(set(refs)) == WORKERS
