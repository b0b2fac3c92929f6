"""The outbox's case kind keeps the intake page's rules: counted NIK lookups, and the
"same person?" question only for someone who is there to answer it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cases.models import Beneficiary, Case
from tests.cases_support import beneficiary
from tests.test_field_outbox import case_record, send

pytestmark = pytest.mark.django_db
SEARCH = reverse("cases:beneficiary_search")


def test_the_outbox_counts_exact_nik_lookups_like_the_intake_page(login, relawan_alalak):
    person = beneficiary(kel="Kuin Cerucuk")
    client = login(relawan_alalak)
    for n in range(1, 31):  # the hourly allowance spent on misses in the search
        client.get(SEARCH, {"q": f"{person.nik[:12]}{n:04d}"}, follow=True)
    response = client.post(send("case"), case_record(nik=person.nik, name="Coba"))
    assert response.status_code == 429
    assert "NIK" in response.json()["reason"] and person.name not in response.content.decode()
    assert Case.objects.count() == 0


def test_a_queued_case_is_filed_as_typed_and_a_live_one_is_asked_same_person(login, relawan_alalak):
    known = beneficiary(
        kel="Alalak Utara", name="Siti Aminah", birth_date=__import__("datetime").date(1950, 4, 12)
    )
    client = login(relawan_alalak)
    # Typed on the phone while someone waits for the answer: the question, nothing stored.
    live = client.post(send("case"), case_record(), HTTP_X_OUTBOX_INTERACTIVE="1")
    assert live.status_code == 400
    assert "not_duplicate" in live.json()["errors"]
    assert Case.objects.count() == 0
    # Sent later from the queue: filed as typed, a second record staff will compare.
    queued = client.post(send("case"), case_record())
    assert queued.status_code == 201
    case = Case.objects.get()
    assert case.beneficiary != known
    assert Beneficiary.objects.filter(name="Siti Aminah").count() == 2
