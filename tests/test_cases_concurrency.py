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


def test_concurrent_double_submit_of_a_new_person_registers_them_once(relawan_alalak):
    """The intake form sent twice at once (a double tap, a retried request) with a new
    person: one case, one person, and only one of the two answers says "created". Before,
    each request registered the person before case_file found the twin's case, so the
    loser left a person with no case behind."""
    from cases.models import Beneficiary
    from cases.services import case_intake

    kel, cat, key = kelurahan("Alalak Utara"), category(), uuid.uuid4()
    people_before = Beneficiary.objects.count()

    def submit(i: int) -> tuple[int, bool]:
        case, created = case_intake(
            reported_by=relawan_alalak,
            idempotency_key=key,
            beneficiary=None,
            new_beneficiary={"name": "Warga Kembar", "kelurahan": kel},
            case_fields={
                "category": cat,
                "kelurahan": kel,
                "address": "Jl. Sama",
                "description": "Ketuk dua kali",
            },
        )
        return case.pk, created

    results = in_parallel(submit, WORKERS)
    assert len({pk for pk, _created in results}) == 1
    assert sorted(created for _pk, created in results) == [False] * (WORKERS - 1) + [True]
    assert Case.objects.count() == 1
    assert Beneficiary.objects.count() == people_before + 1


def test_uuids_that_share_a_prefix_take_different_locks():
    """The advisory lock's key hashes the whole UUID: keys that share their first 8 bytes
    (a UUIDv7's milliseconds, the bench's 00000000-0000-4000-8000-…) used to share one lock,
    and every intake queued behind it (bench M6: a quarter fewer cases stored)."""
    from cases.services.outbox import uuid_lock_key

    keys = [uuid.UUID(f"00000000-0000-4000-8000-{n:012d}") for n in range(1000)]
    assert len({uuid_lock_key(k) for k in keys}) == 1000
    assert uuid_lock_key(keys[7]) == uuid_lock_key(uuid.UUID(str(keys[7])))
    assert all(-(2**63) <= uuid_lock_key(k) < 2**63 for k in keys)
