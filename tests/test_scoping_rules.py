"""Who sees what, asked of the selectors directly and compared with answers written out.

A small town: four cases and a few people in Alalak Utara and Kuin Cerucuk, and for each
person the exact set they may see (architecture.md, Roles). Fast: the mutation run
(`make mutate`) uses these for the scoping rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from cases.models import Beneficiary
from cases.selectors import (
    beneficiaries_visible_to,
    case_get_for_user,
    cases_visible_to,
)
from cases.services import case_assign
from psm.accounts.models import User
from psm.accounts.services import user_create
from tests.cases_support import beneficiary, file_case
from volunteers.selectors import (
    activity_report_get,
    activity_report_list,
    training_get,
    training_list,
    training_participant_get,
    volunteer_for_user,
    volunteer_get,
    volunteer_roster,
    volunteers_not_reported,
)
from volunteers.services import (
    activity_report_create,
    training_create,
    training_invite,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(relawan_alalak, relawan_kuin, petugas, kabid, admin_user):
    """Cases (by letter) and their people:
    a: filed by Kuin's volunteer in Alalak Utara        -> Alalak's by kelurahan
    b: filed by Kuin's volunteer in Kuin, given to Alalak -> Alalak's as assignee
    c: filed by Alalak's volunteer in Kuin Cerucuk      -> Alalak's as reporter
    d: filed by Kuin's volunteer in Kuin Cerucuk        -> not Alalak's
    Two people have no case: one in each kelurahan; one merged person in Alalak Utara."""
    cases = {
        "a": file_case(relawan_kuin, kel="Alalak Utara"),
        "b": file_case(relawan_kuin, kel="Kuin Cerucuk"),
        "c": file_case(relawan_alalak, kel="Kuin Cerucuk"),
        "d": file_case(relawan_kuin, kel="Kuin Cerucuk"),
    }
    case_assign(case=cases["b"], assignee=relawan_alalak, actor=petugas)
    # A second case of a's person: one person, two visible cases, listed once.
    cases["a2"] = file_case(relawan_kuin, kel="Alalak Utara", beneficiary=cases["a"].beneficiary)
    people = {
        "alone_alalak": beneficiary(kel="Alalak Utara"),
        "alone_kuin": beneficiary(kel="Kuin Cerucuk"),
    }
    merged = beneficiary(kel="Alalak Utara")
    Beneficiary.objects.filter(pk=merged.pk).update(merged_into=people["alone_alalak"])
    people["merged"] = merged
    for letter, case in cases.items():
        people[letter] = case.beneficiary
    return cases, people


def _letters(qs, cases) -> set[str]:
    by_pk = {c.pk: k for k, c in cases.items()}
    return {by_pk[pk] for pk in qs.values_list("pk", flat=True)}


def _people(qs, people) -> list[str]:
    by_pk = {p.pk: k for k, p in people.items() if k != "a2"}
    return sorted(by_pk[pk] for pk in qs.values_list("pk", flat=True))


ALL = {"a", "a2", "b", "c", "d"}


def _no_profile_volunteer() -> User:
    return user_create(username="tanpa_profil", role=User.Role.VOLUNTEER, password="x" * 12)


def test_cases_visible_to_each_person(
    town, relawan_alalak, relawan_kuin, petugas, kabid, admin_user
):
    cases, _people_ = town
    assert _letters(cases_visible_to(relawan_alalak), cases) == {"a", "a2", "b", "c"}
    assert _letters(cases_visible_to(relawan_kuin), cases) == ALL
    for officer in (petugas, kabid, admin_user):
        assert _letters(cases_visible_to(officer), cases) == ALL


def test_cases_of_an_inactive_volunteer_or_one_without_a_profile(town, relawan_alalak):
    cases, _people_ = town
    assert _letters(cases_visible_to(_no_profile_volunteer()), cases) == set()
    relawan_alalak.is_active = False
    assert _letters(cases_visible_to(relawan_alalak), cases) == set()


def test_a_volunteer_without_a_profile_still_sees_what_they_filed_or_hold(town, petugas):
    cases, _people_ = town
    loner = _no_profile_volunteer()
    mine = file_case(loner, kel="Kuin Cerucuk")
    case_assign(case=cases["d"], assignee=loner, actor=petugas)
    case_assign(case=mine, assignee=loner, actor=petugas)  # filed AND held: still visible
    cases["mine"] = mine
    assert _letters(cases_visible_to(loner), cases) == {"mine", "d"}


def test_case_get_answers_404_for_not_yours(town, relawan_alalak, petugas):
    cases, _people_ = town
    assert case_get_for_user(relawan_alalak, cases["c"].reference) == cases["c"]
    with pytest.raises(Http404):
        case_get_for_user(relawan_alalak, cases["d"].reference)
    assert case_get_for_user(petugas, cases["d"].reference) == cases["d"]
    with pytest.raises(Http404):
        case_get_for_user(petugas, "BJM-1999-999999")


def test_beneficiaries_visible_to_each_person(
    town, relawan_alalak, relawan_kuin, petugas, admin_user
):
    cases, people = town
    # Alalak: a (its kelurahan), b (assigned to it), its kelurahan's lone person; each once.
    # Not c: a case a volunteer merely filed does not open its person's record (issue 14.1).
    assert _people(beneficiaries_visible_to(relawan_alalak), people) == [
        "a",
        "alone_alalak",
        "b",
    ]
    # Kuin: the people of its kelurahan (b, c, d, alone_kuin); not a, whose case it merely
    # filed in Alalak Utara; never the merged one.
    assert _people(beneficiaries_visible_to(relawan_kuin), people) == [
        "alone_kuin",
        "b",
        "c",
        "d",
    ]
    everyone = ["a", "alone_alalak", "alone_kuin", "b", "c", "d"]
    for officer in (petugas, admin_user):
        assert _people(beneficiaries_visible_to(officer), people) == everyone


def test_beneficiaries_of_a_volunteer_without_a_profile(town, petugas):
    cases, people = town
    loner = _no_profile_volunteer()
    assert _people(beneficiaries_visible_to(loner), people) == []
    case_assign(case=cases["d"], assignee=loner, actor=petugas)
    assert _people(beneficiaries_visible_to(loner), people) == ["d"]


def test_an_inactive_volunteer_sees_no_ones_record(town, relawan_alalak):
    _cases, people = town
    relawan_alalak.is_active = False
    assert _people(beneficiaries_visible_to(relawan_alalak), people) == []


def test_a_case_in_the_kelurahan_opens_a_person_from_elsewhere_unless_the_volunteer_filed_it(
    relawan_alalak, relawan_kuin
):
    # Both people live in Kuin Cerucuk; both cases are placed in Alalak Utara.
    filed_by_kuin = beneficiary(kel="Kuin Cerucuk")
    file_case(relawan_kuin, kel="Alalak Utara", beneficiary=filed_by_kuin)
    filed_by_alalak = beneficiary(kel="Kuin Cerucuk")
    file_case(relawan_alalak, kel="Alalak Utara", beneficiary=filed_by_alalak)
    seen = set(beneficiaries_visible_to(relawan_alalak).values_list("pk", flat=True))
    assert (filed_by_kuin.pk in seen, filed_by_alalak.pk in seen) == (True, False)


# --- volunteers, trainings, activity reports ------------------------------------------------


def test_volunteer_roster_is_for_officers_only(relawan_alalak, relawan_kuin, petugas, kabid):
    with pytest.raises(PermissionDenied):
        volunteer_roster(user=relawan_alalak)
    names = sorted(v.user.username for v in volunteer_roster(user=petugas))
    assert names == ["relawan_alalak", "relawan_kuin"]
    row: Any = volunteer_roster(user=kabid).get(user=relawan_alalak)
    assert (row.open_cases, row.has_basic_training, row.reported_last_month) == (0, False, False)
    plain = volunteer_roster(user=kabid, workload=False).get(user=relawan_alalak)
    assert not hasattr(plain, "open_cases")


def test_volunteer_roster_knows_last_months_report(relawan_alalak, kabid):
    from volunteers.selectors import last_month

    activity_report_create(
        volunteer=relawan_alalak.volunteer, month=last_month(), activities="Kunjungan", submit=True
    )
    row: Any = volunteer_roster(user=kabid).get(user=relawan_alalak)
    assert row.reported_last_month is True


def test_volunteer_get_own_profile_or_404(relawan_alalak, relawan_kuin, petugas):
    own, other = relawan_alalak.volunteer, relawan_kuin.volunteer
    assert volunteer_get(user=relawan_alalak, pk=own.pk) == own
    with pytest.raises(Http404):
        volunteer_get(user=relawan_alalak, pk=other.pk)
    assert volunteer_get(user=petugas, pk=other.pk) == other
    with pytest.raises(Http404):
        volunteer_get(user=petugas, pk=other.pk + own.pk + 1000)


def test_volunteer_for_user(relawan_alalak, petugas):
    assert volunteer_for_user(relawan_alalak) == relawan_alalak.volunteer
    assert volunteer_for_user(petugas) is None
    assert volunteer_for_user(_no_profile_volunteer()) is None


def test_trainings_a_volunteer_sees_are_those_they_were_invited_to(
    relawan_alalak, relawan_kuin, petugas, admin_user
):
    invited = training_create(title="Bimtek dasar PSM", starts_on=dt.date(2026, 12, 1))
    other = training_create(title="Bimtek lanjutan", starts_on=dt.date(2026, 12, 8))
    [participant] = training_invite(training=invited, volunteers=[relawan_alalak.volunteer])
    assert list(training_list(user=relawan_alalak)) == [invited]
    assert list(training_list(user=relawan_kuin)) == []
    assert list(training_list(user=petugas)) == [other, invited]  # newest first
    assert training_get(user=relawan_alalak, pk=invited.pk) == invited
    with pytest.raises(Http404):
        training_get(user=relawan_alalak, pk=other.pk)
    assert training_get(user=petugas, pk=other.pk) == other
    # Attendance is the admin's: others are refused, a participant of another training is 404.
    assert training_participant_get(user=admin_user, training=invited, pk=participant.pk) == (
        participant
    )
    for user in (petugas, relawan_alalak):
        with pytest.raises(PermissionDenied):
            training_participant_get(user=user, training=invited, pk=participant.pk)
    with pytest.raises(Http404):
        training_participant_get(user=admin_user, training=other, pk=participant.pk)


def test_activity_reports_a_volunteer_sees_are_their_own(relawan_alalak, relawan_kuin, kabid):
    month = dt.date(2026, 9, 1)
    mine = activity_report_create(
        volunteer=relawan_alalak.volunteer, month=month, activities="Kunjungan"
    )
    theirs = activity_report_create(
        volunteer=relawan_kuin.volunteer, month=month, activities="Kunjungan", submit=True
    )
    assert list(activity_report_list(user=relawan_alalak)) == [mine]
    assert set(activity_report_list(user=kabid)) == {mine, theirs}
    assert activity_report_get(user=relawan_alalak, pk=mine.pk) == mine
    with pytest.raises(Http404):
        activity_report_get(user=relawan_alalak, pk=theirs.pk)
    assert activity_report_get(user=kabid, pk=theirs.pk) == theirs
    # Only the submitted report counts: Alalak's draft is still "not reported".
    assert [v.user for v in volunteers_not_reported(user=kabid, month=month)] == [relawan_alalak]
    with pytest.raises(PermissionDenied):
        volunteers_not_reported(user=relawan_alalak, month=month)
