"""Impossible dates are refused, in the forms and in the services (issue 13, item 4).

The ranges live in psm/dates.py: a birth date from 1900 to today; a date that happened (a visit,
an appointment, a report's month) from 1990 to today; a planned date (next visit, training)
from 1990 to two years ahead."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cases.models import Beneficiary, Visit
from cases.services import visit_log
from psm.dates import validate_birth_date, validate_past_date, validate_planned_date
from tests.cases_support import beneficiary, file_case
from tests.test_cases_intake import NEW, intake_data
from volunteers.models import ActivityReport, Training, Volunteer
from volunteers.services import training_create

pytestmark = pytest.mark.django_db
TOMORROW = timezone.localdate() + dt.timedelta(days=1)


def _errors(response, field: str, form: str = "form") -> list[str]:
    assert response.status_code in (200, 400), response.status_code
    return response.context[form].errors.get(field, [])


@pytest.mark.parametrize("birth_date", [TOMORROW.isoformat(), "1899-12-31", "2999-01-01"])
def test_an_impossible_birth_date_is_refused_at_intake(login, relawan_alalak, birth_date):
    response = login(relawan_alalak).post(NEW, intake_data(birth_date=birth_date))
    assert _errors(response, "birth_date") == [
        "Tanggal lahir harus antara 1 Januari 1900 dan hari ini."
    ]
    assert not Beneficiary.objects.exists()


def test_the_oldest_and_the_youngest_birth_dates_are_accepted():
    validate_birth_date(dt.date(1900, 1, 1))
    validate_birth_date(timezone.localdate())


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("visited_on", "1800-05-01"),
        ("visited_on", TOMORROW.isoformat()),
        ("next_visit_on", "2999-01-01"),
    ],
)
def test_an_impossible_visit_date_is_refused(login, relawan_alalak, field, value):
    case = file_case(relawan_alalak)
    data = {"visited_on": timezone.localdate().isoformat(), "findings": "Rumah dikunjungi."}
    response = login(relawan_alalak).post(
        reverse("cases:visit", args=[case.reference]), {**data, field: value}
    )
    assert "antara 1 Januari 1990 dan" in " ".join(_errors(response, field, "visit_form"))
    assert not Visit.objects.exists()


def test_the_visit_service_refuses_a_visit_in_1800(relawan_alalak):
    case = file_case(relawan_alalak)
    with pytest.raises(ValidationError) as error:
        visit_log(case=case, actor=relawan_alalak, visited_on=dt.date(1800, 5, 1), findings="x")
    assert set(error.value.message_dict) == {"visited_on"}


def test_the_person_service_refuses_a_birth_date_in_the_future():
    with pytest.raises(ValidationError) as error:
        beneficiary(birth_date=dt.date(2999, 1, 1), with_nik=False)
    assert set(error.value.message_dict) == {"birth_date"}


@pytest.mark.parametrize(
    ("starts_on", "ends_on"), [("2999-05-04", "2999-05-05"), ("1800-01-01", "2026-01-01")]
)
def test_a_training_in_2999_or_1800_is_refused(login, admin_user, starts_on, ends_on):
    response = login(admin_user).post(
        reverse("volunteers:training_create"),
        {"title": "Bimtek", "starts_on": starts_on, "ends_on": ends_on},
    )
    assert _errors(response, "starts_on")
    assert not Training.objects.exists()


def test_the_training_service_refuses_2999():
    with pytest.raises(ValidationError) as error:
        training_create(title="Bimtek", starts_on=dt.date(2999, 1, 1))
    assert "starts_on" in error.value.message_dict


def test_an_appointment_in_2999_is_refused(login, admin_user, relawan_alalak):
    from tests.test_volunteers_accounts import _create_form

    response = login(admin_user).post(
        reverse("volunteers:create"), _create_form(appointed_on="2999-02-01")
    )
    assert _errors(response, "appointed_on") == [
        "Masukkan tanggal antara 1 Januari 1990 dan hari ini (bukan di masa depan)."
    ]
    assert not Volunteer.objects.filter(user__username="siti_pelambuan").exists()


def test_a_report_month_before_1990_is_refused(login, relawan_alalak):
    response = login(relawan_alalak).post(
        reverse("volunteers:report_create"),
        {"month": "1800-01", "activities": "x", "visits_count": "1", "cases_handled": "0"},
    )
    assert _errors(response, "month")
    assert not ActivityReport.objects.exists()


def test_the_monthly_report_of_1800_is_a_message(login, kabid):
    response = login(kabid).post(
        reverse("reports:report_monthly"),
        {"month": "1800-01", "purpose": "Laporan bulanan untuk Kepala Dinas", "format": "pdf"},
    )
    assert _errors(response, "month")


def test_the_ranges_reach_two_years_ahead_for_plans_only():
    ahead = timezone.localdate() + dt.timedelta(days=700)
    validate_planned_date(ahead)
    with pytest.raises(ValidationError):
        validate_past_date(ahead)
    with pytest.raises(ValidationError):
        validate_planned_date(ahead + dt.timedelta(days=60))
