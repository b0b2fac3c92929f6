"""The case workflow: every allowed move works, every other move is refused and leaves no trace."""

from __future__ import annotations

import itertools

import pytest

from cases.models import Case, CaseEvent
from cases.models.workflow import ALLOWED_TRANSITIONS, Who
from cases.services import TransitionRefused, case_add_note, case_assign, case_transition
from tests.cases_support import file_case
from tests.workflow_table import LISTED
from tests.workflow_table import ROWS as TABLE_ROWS

S = Case.Status
pytestmark = pytest.mark.django_db


def _extra(to_status: str) -> dict[str, str]:
    extras: dict[str, dict[str, str]] = {
        S.REJECTED: {"reason": "Bukan warga Banjarmasin"},
        S.REFERRED: {"partner": "BPJS Kesehatan"},
        S.CLOSED: {"note": "Bantuan sembako sudah diterima"},
    }
    return extras.get(to_status, {})


def case_in(status: str, *, reporter, officer, supervisor, assignee) -> Case:
    """A case brought to `status` along the ordinary path, through the services."""
    case = file_case(reporter)
    paths = {
        S.NEW: [],
        S.VERIFIED: [S.VERIFIED],
        S.REJECTED: [S.REJECTED],
        S.ASSIGNED: [S.VERIFIED, S.ASSIGNED],
        S.IN_PROGRESS: [S.VERIFIED, S.ASSIGNED, S.IN_PROGRESS],
        S.RESOLVED: [S.VERIFIED, S.ASSIGNED, S.IN_PROGRESS, S.RESOLVED],
        S.CLOSED: [S.VERIFIED, S.ASSIGNED, S.IN_PROGRESS, S.RESOLVED, S.CLOSED],
        S.REFERRED: [S.VERIFIED, S.REFERRED],
    }
    for step in paths[status]:
        if step == S.ASSIGNED:
            case_assign(case=case, assignee=assignee, actor=officer)
        elif step in (S.IN_PROGRESS, S.RESOLVED):
            case_transition(case=case, to_status=step, actor=assignee)
        elif step == S.CLOSED:
            case_transition(case=case, to_status=step, actor=supervisor, **_extra(step))
        else:
            case_transition(case=case, to_status=step, actor=officer, **_extra(step))
    case.refresh_from_db()
    assert case.status == status
    return case


@pytest.fixture
def make_case(relawan_alalak, relawan_kuin, petugas, kabid):
    def _make(status: str) -> Case:
        return case_in(
            status,
            reporter=relawan_kuin,
            officer=petugas,
            supervisor=kabid,
            assignee=relawan_alalak,
        )

    return _make


# The cases come from the literal table of tests/test_workflow_table.py, not from the app's
# ALLOWED_TRANSITIONS: a wrong line there must fail here too.
MOVES = sorted({(f, t) for f, t, _role, cell in TABLE_ROWS if cell == "yes"})
REFUSED = [(f, t) for f, t in itertools.product(S.values, S.values) if (f, t) not in LISTED]


@pytest.mark.parametrize(("from_status", "to_status"), MOVES)
def test_every_allowed_transition_moves_the_case_and_writes_the_timeline(
    make_case, from_status, to_status, relawan_alalak, petugas, kabid
):
    case = make_case(from_status)
    rule = ALLOWED_TRANSITIONS[(from_status, to_status)]
    actor = {Who.OFFICER: petugas, Who.SUPERVISOR: kabid, Who.ASSIGNEE: relawan_alalak}[rule.who]
    events_before = case.events.count()

    case_transition(case=case, to_status=to_status, actor=actor, **_extra(to_status))

    case.refresh_from_db()
    assert case.status == to_status
    event = case.events.order_by("-created_at", "-id").first()
    assert case.events.count() == events_before + 1
    assert (event.kind, event.from_status, event.to_status, event.actor) == (
        CaseEvent.Kind.TRANSITION,
        from_status,
        to_status,
        actor,
    )
    assert case.last_event_at == event.created_at


@pytest.mark.parametrize(("from_status", "to_status"), REFUSED)
def test_every_transition_outside_the_table_is_refused_and_changes_nothing(
    make_case, from_status, to_status, kabid
):
    case = make_case(from_status)
    events_before = case.events.count()

    with pytest.raises(TransitionRefused):
        case_transition(case=case, to_status=to_status, actor=kabid, **_extra(to_status))

    case.refresh_from_db()
    assert case.status == from_status
    assert case.events.count() == events_before


@pytest.mark.parametrize(("from_status", "to_status"), MOVES)
def test_the_wrong_role_is_refused_for_every_allowed_transition(
    make_case, from_status, to_status, relawan_kuin, relawan_alalak, petugas
):
    case = make_case(from_status)
    rule = ALLOWED_TRANSITIONS[(from_status, to_status)]
    # The assignee's work belongs to them (officers may step in); everything else is Dinsos'.
    wrong = {Who.OFFICER: relawan_alalak, Who.SUPERVISOR: petugas, Who.ASSIGNEE: relawan_kuin}
    with pytest.raises(TransitionRefused):
        case_transition(case=case, to_status=to_status, actor=wrong[rule.who], **_extra(to_status))
    case.refresh_from_db()
    assert case.status == from_status


def test_assignment_needs_the_assign_action_not_a_bare_transition(make_case, petugas):
    case = make_case(S.VERIFIED)
    with pytest.raises(TransitionRefused, match="Assign|Tugaskan"):
        case_transition(case=case, to_status=S.ASSIGNED, actor=petugas)


@pytest.mark.parametrize(
    ("from_status", "to_status", "actor_name", "message"),
    [
        (S.NEW, S.REJECTED, "petugas", "reason|alasan"),
        (S.VERIFIED, S.REFERRED, "petugas", "partner|mitra"),
        (S.RESOLVED, S.CLOSED, "kabid", "resolution note|catatan penyelesaian"),
    ],
)
def test_rejection_referral_and_closing_need_their_reason(
    make_case, request, from_status, to_status, actor_name, message
):
    case = make_case(from_status)
    with pytest.raises(TransitionRefused, match=message):
        case_transition(case=case, to_status=to_status, actor=request.getfixturevalue(actor_name))
    case.refresh_from_db()
    assert case.status == from_status


def test_closing_uses_the_note_given_when_resolving(make_case, relawan_alalak, kabid, petugas):
    case = make_case(S.IN_PROGRESS)
    case_transition(
        case=case, to_status=S.RESOLVED, actor=relawan_alalak, note="Sudah didaftarkan PBI"
    )
    case_transition(case=case, to_status=S.CLOSED, actor=kabid)
    case.refresh_from_db()
    assert case.resolution_note == "Sudah didaftarkan PBI"
    assert case.closed_at is not None and case.resolved_at is not None


def test_reopening_a_closed_case_clears_its_closing_dates(make_case, kabid):
    case = make_case(S.CLOSED)
    case_transition(case=case, to_status=S.IN_PROGRESS, actor=kabid, note="Keluhan muncul lagi")
    case.refresh_from_db()
    assert (case.status, case.closed_at, case.resolved_at) == (S.IN_PROGRESS, None, None)


def test_first_response_is_the_first_dinsos_action_only(make_case, petugas, relawan_alalak):
    case = make_case(S.NEW)
    assert case.first_response_at is None
    case_add_note(case=case, actor=petugas, note="Akan dicek besok")
    case.refresh_from_db()
    assert case.first_response_at is None
    case_transition(case=case, to_status=S.VERIFIED, actor=petugas)
    case.refresh_from_db()
    first = case.first_response_at
    assert first is not None and case.verified_at == first
    case_assign(case=case, assignee=relawan_alalak, actor=petugas)
    case.refresh_from_db()
    assert case.first_response_at == first


def test_assigning_a_new_case_makes_it_assigned_and_reassigning_keeps_the_work_state(
    make_case, petugas, relawan_alalak, relawan_kuin
):
    case = make_case(S.NEW)
    case_assign(case=case, assignee=relawan_alalak, actor=petugas, note="Dekat rumah")
    case.refresh_from_db()
    assert (case.status, case.assignee) == (S.ASSIGNED, relawan_alalak)
    assert case.first_response_at is not None

    case_transition(case=case, to_status=S.IN_PROGRESS, actor=relawan_alalak)
    case_assign(case=case, assignee=relawan_kuin, actor=petugas)
    case.refresh_from_db()
    assert (case.status, case.assignee) == (S.IN_PROGRESS, relawan_kuin)
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds.count(CaseEvent.Kind.ASSIGNMENT) == 2


@pytest.mark.parametrize("status", [S.RESOLVED, S.CLOSED, S.REJECTED, S.REFERRED])
def test_a_case_that_is_no_longer_open_cannot_be_assigned(make_case, petugas, relawan_kuin, status):
    case = make_case(status)
    with pytest.raises(TransitionRefused):
        case_assign(case=case, assignee=relawan_kuin, actor=petugas)


def test_a_volunteer_cannot_assign(make_case, relawan_alalak, relawan_kuin):
    case = make_case(S.NEW)
    with pytest.raises(TransitionRefused):
        case_assign(case=case, assignee=relawan_kuin, actor=relawan_alalak)
    case.refresh_from_db()
    assert case.assignee is None and case.status == S.NEW


def test_the_new_assignee_is_told_and_a_self_assignment_is_not(petugas, relawan_alalak):
    from django.core.management import call_command

    from cases.services import case_assign
    from psm.notifications.models import Notification, Reminder

    case = file_case(relawan_alalak)
    case_assign(case=case, assignee=relawan_alalak, actor=petugas)
    reminder = Reminder.objects.get(kind="case_assigned")
    assert reminder.recipient_id == relawan_alalak.pk
    assert case.reference in reminder.title and reminder.url == case.get_absolute_url()

    call_command("send_reminders", verbosity=0)  # the same code as the beat's dispatch
    note = Notification.objects.get(recipient=relawan_alalak)
    assert case.reference in note.title

    # Officers taking a case themselves need no message about it.
    case_assign(case=case, assignee=petugas, actor=petugas)
    assert Reminder.objects.filter(kind="case_assigned").count() == 1
