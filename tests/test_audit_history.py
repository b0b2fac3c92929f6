"""Audit (django-pghistory): every write, bulk ones included, leaves a history row with the
user and the request; supervisors read it on the case page, nobody else does."""

from __future__ import annotations

from typing import Any

import pghistory
import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cases.models import Beneficiary, Case
from psm.accounts.services import user_create
from tests.cases_support import file_case
from volunteers.services import volunteer_update

pytestmark = pytest.mark.django_db
# The event models pghistory.track generates (no static names for the type checker).
CaseHistory: Any = apps.get_model("cases", "CaseHistory")
BeneficiaryHistory: Any = apps.get_model("cases", "BeneficiaryHistory")
VolunteerHistory: Any = apps.get_model("volunteers", "VolunteerHistory")
UserHistory: Any = apps.get_model("accounts", "UserHistory")
PHONE = "+6281234567890"


def _edit_person(person: Beneficiary, user) -> None:
    with pghistory.context(user=user.pk, url="/test"):
        person.phone = PHONE  # type: ignore[assignment]
        person.address = "Jl. Kuin Selatan No. 3"
        person.save()


def _bulk_assign(client, cases, assignee):
    return client.post(
        reverse("cases:triage_bulk"),
        {"cases": [c.pk for c in cases], "action": "assign", "assignee": assignee.pk},
    )


def test_bulk_assign_leaves_one_history_row_per_case_with_the_acting_user(
    login, petugas, relawan_alalak
):
    cases = [file_case(relawan_alalak) for _ in range(3)]
    before = {c.pk: CaseHistory.objects.filter(pgh_obj=c).count() for c in cases}
    assert _bulk_assign(login(petugas), cases, relawan_alalak).status_code == 302
    for case in cases:
        rows = CaseHistory.objects.filter(pgh_obj=case).order_by("pgh_id")
        assert rows.count() == before[case.pk] + 1
        row = rows.last()
        assert row.pgh_label == "update" and row.assignee_id == relawan_alalak.pk
        assert row.status == Case.Status.ASSIGNED
        assert row.pgh_context.metadata["user"] == petugas.pk
        assert row.pgh_context.metadata["url"] == reverse("cases:triage_bulk")


def test_a_queryset_update_leaves_a_row_for_every_case(kabid, relawan_alalak):
    cases = [file_case(relawan_alalak) for _ in range(4)]
    with pghistory.context(user=kabid.pk, url="/maintenance"):
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(priority="high")
    rows = CaseHistory.objects.filter(pgh_obj__in=cases, priority="high")
    assert rows.count() == 4
    assert {r.pgh_context.metadata["user"] for r in rows} == {kabid.pk}


def test_history_never_holds_a_plain_nik_or_phone(admin_user, relawan_alalak, kabid):
    case = file_case(relawan_alalak)
    person = case.beneficiary
    _edit_person(person, kabid)
    volunteer_update(volunteer=relawan_alalak.volunteer, data={"whatsapp": PHONE}, actor=admin_user)
    user_create(username="petugas_baru", role="staff", phone=PHONE)
    assert BeneficiaryHistory.objects.filter(pgh_obj=person).exists()
    assert VolunteerHistory.objects.filter(pgh_obj=relawan_alalak.volunteer).exists()
    assert UserHistory.objects.filter(username="petugas_baru").exists()
    for table in ("cases_beneficiaryhistory", "volunteers_volunteerhistory"):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT * FROM {table}")  # noqa: S608
            dump = repr(cursor.fetchall())
        assert person.nik not in dump and PHONE[3:] not in dump, table
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_userhistory")
        dump = repr(cursor.fetchall())
    assert PHONE[3:] not in dump and "pbkdf2" not in dump and "md5$" not in dump


def test_supervisor_sees_the_change_history_on_the_case_page(login, kabid, petugas, relawan_alalak):
    case = file_case(relawan_alalak)
    _bulk_assign(login(petugas), [case], relawan_alalak)
    _edit_person(case.beneficiary, kabid)
    page = login(kabid).get(case.get_absolute_url()).content.decode()
    assert 'data-testid="audit-history"' in page
    history = page.split('data-testid="audit-history"', 1)[1].split("</details>", 1)[0]
    assert str(petugas) in history and reverse("cases:triage_bulk") in history
    with translation.override("id"):
        assigned = str(Case.Status.ASSIGNED.label)
        address = str(Beneficiary._meta.get_field("address").verbose_name)
    assert f"→ {assigned}" in history  # status values are shown, in Indonesian
    assert address in history and "Kuin Selatan" not in history  # fields, not values
    assert "812" not in history


@pytest.mark.parametrize("persona", ["relawan_alalak", "petugas"])
def test_volunteers_and_staff_do_not_see_the_change_history(login, request, persona):
    reporter = request.getfixturevalue("relawan_alalak")
    case = file_case(reporter)
    page = login(request.getfixturevalue(persona)).get(case.get_absolute_url())
    assert page.status_code == 200
    assert 'data-testid="audit-history"' not in page.content.decode()


def test_case_page_queries_do_not_grow_with_the_history(login, kabid, petugas, relawan_alalak):
    case = file_case(relawan_alalak)
    client = login(kabid)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(case.get_absolute_url()).status_code == 200
        return len(ctx.captured_queries)

    _bulk_assign(login(petugas), [case], relawan_alalak)
    first = count()
    for priority in ("high", "low", "normal", "high"):
        with pghistory.context(user=petugas.pk):
            Case.objects.filter(pk=case.pk).update(priority=priority)
    assert CaseHistory.objects.filter(pgh_obj=case).count() >= 6
    assert count() == first
