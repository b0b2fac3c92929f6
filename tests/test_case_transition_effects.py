"""What each move of a case writes besides its status: the dates it sets or clears, the texts it
keeps, and the timeline row it leaves. Written out per move of the literal table, with the
clock stopped, so a move that touches another move's date (or forgets its own) fails here."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from cases.models import Case, CaseEvent
from cases.services import case_transition
from tests.test_cases_workflow import case_in

pytestmark = pytest.mark.django_db

UTC = dt.UTC
# The case is brought to its state on one day, the move is made on the next.
BEFORE = dt.datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
AT = dt.datetime(2026, 11, 3, 10, 30, tzinfo=UTC)

NOTE = "Sudah dicek ke rumah"
REASON = "Bukan warga setempat"
PARTNER = "BPJS Kesehatan"
CLOSING = "Bantuan sembako sudah diterima"  # the note case_in closes a case with

# (from, to) -> who makes it, what is given besides the note, and the case afterwards:
# verified_at, resolved_at, closed_at, first_response_at, resolution_note, rejection_reason,
# referral_partner. Every move is given the note NOTE (closing gives its own).
EFFECTS = {
    ("new", "verified"): ("staff", {}, (AT, None, None, AT, "", "", "")),
    ("new", "rejected"): ("staff", {"reason": REASON}, (None, None, None, AT, "", REASON, "")),
    ("verified", "rejected"): (
        "staff",
        {"reason": REASON},
        (BEFORE, None, None, BEFORE, "", REASON, ""),
    ),
    ("verified", "referred"): (
        "staff",
        {"partner": PARTNER},
        (BEFORE, None, None, BEFORE, "", "", PARTNER),
    ),
    ("assigned", "in_progress"): ("assignee", {}, (BEFORE, None, None, BEFORE, "", "", "")),
    ("assigned", "referred"): (
        "staff",
        {"partner": PARTNER},
        (BEFORE, None, None, BEFORE, "", "", PARTNER),
    ),
    ("in_progress", "resolved"): ("assignee", {}, (BEFORE, AT, None, BEFORE, NOTE, "", "")),
    ("in_progress", "referred"): (
        "staff",
        {"partner": PARTNER},
        (BEFORE, None, None, BEFORE, "", "", PARTNER),
    ),
    ("resolved", "closed"): (
        "supervisor",
        {"note": CLOSING},
        (BEFORE, BEFORE, AT, BEFORE, CLOSING, "", ""),
    ),
    ("resolved", "in_progress"): ("staff", {}, (BEFORE, None, None, BEFORE, "", "", "")),
    # Reopening clears the closing dates; the resolution note stays (the history of the case).
    ("closed", "in_progress"): (
        "supervisor",
        {},
        (BEFORE, None, None, BEFORE, CLOSING, "", ""),
    ),
}
FIELDS = (
    "verified_at",
    "resolved_at",
    "closed_at",
    "first_response_at",
    "resolution_note",
    "rejection_reason",
    "referral_partner",
)


@pytest.fixture
def people(relawan_alalak, relawan_kuin, petugas, kabid):
    return {
        "assignee": relawan_alalak,
        "volunteer": relawan_kuin,
        "staff": petugas,
        "supervisor": kabid,
    }


def _case(status: str, people) -> Case:
    with time_machine.travel(BEFORE, tick=False):
        return case_in(
            status,
            reporter=people["volunteer"],
            officer=people["staff"],
            supervisor=people["supervisor"],
            assignee=people["assignee"],
        )


def _last_event(case: Case) -> CaseEvent:
    event = case.events.order_by("-created_at", "-id").first()
    assert event is not None
    return event


def test_every_move_of_the_table_is_written_out_here():
    from tests.test_cases_workflow import MOVES

    assert sorted(EFFECTS) == MOVES


@pytest.mark.parametrize(("from_status", "to_status"), sorted(EFFECTS))
def test_each_move_sets_and_clears_exactly_its_own_dates_and_texts(people, from_status, to_status):
    role, given, expected = EFFECTS[(from_status, to_status)]
    case = _case(from_status, people)
    kwargs = {"note": NOTE, **given}

    with time_machine.travel(AT, tick=False):
        # A plain string, as the view passes it from the form.
        case_transition(case=case, to_status=str(to_status), actor=people[role], **kwargs)

    case.refresh_from_db()
    assert case.status == to_status
    assert dict(zip(FIELDS, (getattr(case, f) for f in FIELDS), strict=True)) == dict(
        zip(FIELDS, expected, strict=True)
    )
    event = _last_event(case)
    data = {k: v for k, v in given.items() if k != "note"}
    assert (event.kind, event.from_status, event.to_status, event.actor, event.created_at) == (
        CaseEvent.Kind.TRANSITION,
        from_status,
        to_status,
        people[role],
        AT,
    )
    assert (event.note, event.data) == (kwargs["note"], data)
    assert case.last_event_at == AT


def test_a_note_given_on_another_move_is_not_the_resolution_note(people):
    case = _case("new", people)
    case_transition(case=case, to_status="verified", actor=people["staff"], note=NOTE)
    case.refresh_from_db()
    assert (case.status, case.resolution_note) == ("verified", "")


def test_resolving_without_a_note_keeps_the_resolution_note_empty(people):
    case = _case("in_progress", people)
    with time_machine.travel(AT, tick=False):
        case_transition(case=case, to_status="resolved", actor=people["assignee"])
    case.refresh_from_db()
    assert (case.status, case.resolved_at, case.resolution_note) == ("resolved", AT, "")
    assert (_last_event(case).note, _last_event(case).data) == ("", {})


def test_a_rejection_without_a_note_shows_its_reason_on_the_timeline(people):
    case = _case("new", people)
    case_transition(case=case, to_status="rejected", actor=people["staff"], reason=f"  {REASON} ")
    event = _last_event(case)
    assert (event.note, event.data) == (REASON, {"reason": REASON})
    case.refresh_from_db()
    assert case.rejection_reason == REASON


def test_a_referral_without_a_note_shows_its_partner_on_the_timeline(people):
    case = _case("verified", people)
    case_transition(case=case, to_status="referred", actor=people["staff"], partner=PARTNER)
    event = _last_event(case)
    assert (event.note, event.data) == (PARTNER, {"partner": PARTNER})
    case.refresh_from_db()
    assert case.referral_partner == PARTNER


def test_a_move_with_nothing_given_leaves_an_empty_note_on_the_timeline(people):
    case = _case("new", people)
    case_transition(case=case, to_status="verified", actor=people["staff"])
    event = _last_event(case)
    assert (event.note, event.data, event.from_status, event.to_status) == (
        "",
        {},
        "new",
        "verified",
    )


def test_reopening_a_resolved_case_clears_resolved_at_and_resolving_again_sets_it_anew(people):
    case = _case("resolved", people)
    assert case.resolved_at == BEFORE
    with time_machine.travel(AT, tick=False):
        case_transition(case=case, to_status="in_progress", actor=people["staff"])
    case.refresh_from_db()
    assert (case.status, case.resolved_at, case.closed_at) == ("in_progress", None, None)
    later = AT + dt.timedelta(days=1)
    with time_machine.travel(later, tick=False):
        case_transition(case=case, to_status="resolved", actor=people["assignee"])
    case.refresh_from_db()
    assert (case.status, case.resolved_at, case.closed_at, case.verified_at) == (
        "resolved",
        later,
        None,
        BEFORE,
    )
