"""The workflow pinned to a table written out here, not read from ALLOWED_TRANSITIONS.

A wrong line in the app's table (staff reopening a closed case, a rejected case reopened)
must fail these tests. The table below is the architecture's workflow in plain words:
who may make each move, for every status pair and every kind of user.
"""

from __future__ import annotations

import itertools

import pytest

from cases.models import Case
from cases.models.workflow import transitions_for
from cases.services import TransitionRefused, case_assign, case_transition
from psm.accounts.models import User
from tests.test_cases_workflow import _extra, case_in
from tests.workflow_table import LISTED, ROLES, ROWS, STATUSES

S = Case.Status


def test_the_literal_table_names_every_status():
    assert set(STATUSES) == set(S.values)


# --- fast: what each user is offered (no database) -------------------------------------
def _user(role: str, pk: int) -> User:
    kind = {
        "assignee": User.Role.VOLUNTEER,
        "volunteer": User.Role.VOLUNTEER,
        "staff": User.Role.STAFF,
        "supervisor": User.Role.SUPERVISOR,
        "admin": User.Role.ADMIN,
    }[role]
    return User(pk=pk, username=role, role=kind)


@pytest.mark.parametrize(("from_status", "role"), list(itertools.product(STATUSES, ROLES)))
def test_the_moves_offered_are_the_tables(from_status, role):
    users = {name: _user(name, pk) for pk, name in enumerate(ROLES, start=1)}
    case = Case(status=from_status, assignee_id=users["assignee"].pk)
    offered = {to for to, _rule in transitions_for(case=case, user=users[role])}
    expected = {t for f, t, r, cell in ROWS if f == from_status and r == role and cell == "yes"}
    assert offered == expected


def test_a_volunteer_who_is_not_the_assignee_is_offered_nothing_on_an_unassigned_case():
    case = Case(status=S.ASSIGNED, assignee_id=None)
    assert transitions_for(case=case, user=_user("volunteer", 7)) == []


# --- the rules people rely on, by name --------------------------------------------------
def test_staff_cannot_reopen_a_closed_case():
    case = Case(status=S.CLOSED)
    assert transitions_for(case=case, user=_user("staff", 3)) == []
    assert [t for t, _ in transitions_for(case=case, user=_user("supervisor", 4))] == [
        S.IN_PROGRESS
    ]


def test_rejected_and_referred_are_final_for_everyone():
    for status in (S.REJECTED, S.REFERRED):
        case = Case(status=status)
        for role in ROLES:
            assert transitions_for(case=case, user=_user(role, 9)) == [], (status, role)


def test_only_supervisors_and_admins_close():
    case = Case(status=S.RESOLVED, assignee_id=1)
    closers = {
        role
        for role in ROLES
        if S.CLOSED in [t for t, _ in transitions_for(case=case, user=_user(role, 1))]
    }
    assert closers == {"supervisor", "admin"}


# --- the service refuses and allows exactly the same (database) -------------------------
@pytest.fixture
def people(relawan_alalak, relawan_kuin, petugas, kabid, admin_user):
    return {
        "assignee": relawan_alalak,
        "volunteer": relawan_kuin,
        "staff": petugas,
        "supervisor": kabid,
        "admin": admin_user,
    }


def _case(status: str, people) -> Case:
    return case_in(
        status,
        reporter=people["volunteer"],
        officer=people["staff"],
        supervisor=people["supervisor"],
        assignee=people["assignee"],
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("from_status", "to_status", "role", "allowed"), ROWS)
def test_case_transition_follows_the_table(people, from_status, to_status, role, allowed):
    case = _case(from_status, people)
    events = case.events.count()
    actor = people[role]
    if allowed == "yes":
        case_transition(case=case, to_status=to_status, actor=actor, **_extra(to_status))
        case.refresh_from_db()
        assert case.status == to_status
        assert case.events.count() == events + 1
        return
    with pytest.raises(TransitionRefused):
        case_transition(case=case, to_status=to_status, actor=actor, **_extra(to_status))
    case.refresh_from_db()
    assert (case.status, case.events.count()) == (from_status, events)
    if allowed == "assign":
        case_assign(case=case, assignee=people["volunteer"], actor=actor)
        case.refresh_from_db()
        assert case.status == S.ASSIGNED


@pytest.mark.django_db
@pytest.mark.parametrize("from_status", ["closed", "rejected", "referred"])
def test_no_one_moves_a_finished_case_outside_the_table(people, from_status):
    case = _case(from_status, people)
    for to_status, role in itertools.product(STATUSES, ROLES):
        if (from_status, to_status) in LISTED and role in ("supervisor", "admin"):
            continue
        with pytest.raises(TransitionRefused):
            case_transition(case=case, to_status=to_status, actor=people[role], **_extra(to_status))
    case.refresh_from_db()
    assert case.status == from_status


# What each move asks for, written out: a reason, a partner, a resolution note, or nothing.
NEEDS = {
    ("new", "rejected"): "reason",
    ("verified", "rejected"): "reason",
    ("verified", "referred"): "partner",
    ("assigned", "referred"): "partner",
    ("in_progress", "referred"): "partner",
    ("resolved", "closed"): "resolution_note",
}


def test_what_each_move_needs():
    from cases.models.workflow import ALLOWED_TRANSITIONS

    assert set(ALLOWED_TRANSITIONS) == LISTED
    for pair, rule in ALLOWED_TRANSITIONS.items():
        needs = {
            name
            for name, flag in (
                ("reason", rule.needs_reason),
                ("partner", rule.needs_partner),
                ("resolution_note", rule.needs_resolution_note),
            )
            if flag
        }
        assert needs == ({NEEDS[pair]} if pair in NEEDS else set()), pair


def test_only_the_assignee_themself_counts_as_the_assignee():
    # Ids made at run time (not shared constants), one below and one equal to the assignee's.
    assignee_id = int("1000")
    case = Case(status=S.ASSIGNED, assignee_id=assignee_id)
    lower = User(pk=int("999"), username="lain", role=User.Role.VOLUNTEER)
    same = User(pk=int("1000"), username="pemegang", role=User.Role.VOLUNTEER)
    assert transitions_for(case=case, user=lower) == []
    assert [t for t, _ in transitions_for(case=case, user=same)] == [S.IN_PROGRESS]


@pytest.mark.django_db
def test_each_move_given_as_the_forms_plain_string_sets_only_its_own_dates(people):
    """The view passes to_status as a plain string, not a Case.Status member."""
    dates = ("verified_at", "resolved_at", "closed_at")

    def moved(case: Case, to: str, role: str) -> tuple[bool, ...]:
        case_transition(case=case, to_status=str(to), actor=people[role], **_extra(to))
        case.refresh_from_db()
        assert case.status == to
        return tuple(getattr(case, d) is not None for d in dates)

    case = _case("new", people)
    assert moved(case, "verified", "staff") == (True, False, False)
    case = _case("assigned", people)
    assert moved(case, "in_progress", "assignee")[1:] == (False, False)
    assert moved(case, "resolved", "assignee")[1:] == (True, False)
    assert moved(case, "closed", "supervisor")[1:] == (True, True)
    assert moved(case, "in_progress", "supervisor")[1:] == (False, False)
