"""No visit on a closed or rejected case: the page, the HTML form and the field outbox alike
(one rule, cases.services.visits), except a visit a phone recorded offline before the case was
closed and sends late: field work is never lost."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, Visit
from cases.services import visit_log
from tests.cases_support import file_case

pytestmark = pytest.mark.django_db

REFUSED = "Kunjungan tidak dapat dicatat pada kasus yang ditutup atau ditolak."


def _closed(reporter, status=Case.Status.CLOSED) -> Case:
    case = file_case(reporter)
    Case.objects.filter(pk=case.pk).update(status=status)
    case.refresh_from_db()
    return case


@pytest.mark.parametrize("status", [Case.Status.CLOSED, Case.Status.REJECTED])
def test_the_visit_service_refuses_a_closed_or_rejected_case(relawan_alalak, status):
    case = _closed(relawan_alalak, status)
    with pytest.raises(ValidationError) as refused:
        visit_log(case=case, actor=relawan_alalak, visited_on=timezone.localdate(), findings="x")
    assert refused.value.code == "case_closed"
    assert not Visit.objects.exists()


def test_the_case_page_of_a_closed_case_offers_no_visit_form(login, relawan_alalak):
    case = _closed(relawan_alalak)
    response = login(relawan_alalak).get(case.get_absolute_url())
    assert response.status_code == 200
    assert response.context["visit_form"] is None


def test_a_visit_posted_on_a_closed_case_is_refused_with_the_message(login, relawan_alalak):
    case = _closed(relawan_alalak)
    data = {"visited_on": timezone.localdate().isoformat(), "findings": "Rumah kosong"}
    response = login(relawan_alalak).post(
        reverse("cases:visit", args=[case.reference]), data, follow=True
    )
    assert REFUSED in response.content.decode()
    assert not Visit.objects.exists()


def test_a_visit_from_the_outbox_on_a_closed_case_is_refused_the_same_way(login, relawan_alalak):
    case = _closed(relawan_alalak)
    response = login(relawan_alalak).post(
        reverse("cases:outbox_send", kwargs={"kind": "visit"}),
        {
            "client_uuid": str(uuid.uuid4()),
            "case_reference": case.reference,
            "visited_on": timezone.localdate().isoformat(),
            "findings": "Atap bocor.",
        },
    )
    assert response.status_code == 400
    assert REFUSED in response.json()["reason"]
    assert not Visit.objects.exists()


def _send_visit(client, case, visited_on):
    return client.post(
        reverse("cases:outbox_send", kwargs={"kind": "visit"}),
        {
            "client_uuid": str(uuid.uuid4()),
            "case_reference": case.reference,
            "visited_on": visited_on.isoformat(),
            "findings": "Atap bocor.",
        },
    )


def test_a_visit_recorded_offline_before_the_case_was_closed_is_kept(login, relawan_alalak):
    case = _closed(relawan_alalak)
    today = timezone.localdate()
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - dt.timedelta(days=3))
    client = login(relawan_alalak)
    kept = _send_visit(client, case, today - dt.timedelta(days=4))
    assert kept.status_code == 201, kept.content
    assert Visit.objects.get().visited_on == today - dt.timedelta(days=4)
    # The closing day itself still counts; the day after it does not.
    assert _send_visit(client, case, today - dt.timedelta(days=3)).status_code == 201
    late = _send_visit(client, case, today - dt.timedelta(days=2))
    assert late.status_code == 400
    assert REFUSED in late.json()["reason"]
    assert Visit.objects.count() == 2


def test_the_html_form_refuses_even_a_visit_dated_before_the_closing(login, relawan_alalak):
    case = _closed(relawan_alalak)
    Case.objects.filter(pk=case.pk).update(closed_at=timezone.now() - dt.timedelta(days=3))
    data = {
        "visited_on": (timezone.localdate() - dt.timedelta(days=5)).isoformat(),
        "findings": "Rumah kosong",
    }
    response = login(relawan_alalak).post(
        reverse("cases:visit", args=[case.reference]), data, follow=True
    )
    assert REFUSED in response.content.decode()
    assert not Visit.objects.exists()
