"""A bulk rejection keeps the note typed with it (it was dropped: only the reason went on)."""

from __future__ import annotations

import pytest

from cases.models import Case, CaseEvent
from cases.services.bulk import cases_bulk_apply
from tests.cases_support import file_case

pytestmark = pytest.mark.django_db


def test_a_bulk_rejection_keeps_its_note_on_each_timeline(petugas, relawan_alalak):
    cases = [file_case(relawan_alalak) for _ in range(2)]
    result = cases_bulk_apply(
        cases=Case.objects.filter(pk__in=[c.pk for c in cases]),
        action="reject",
        actor=petugas,
        reason="Bukan warga Banjarmasin",
        note="Sudah dicek ke ketua RT",
    )
    assert sorted(result.done) == sorted(c.reference for c in cases)
    for case in cases:
        case.refresh_from_db()
        assert case.status == Case.Status.REJECTED
        assert case.rejection_reason == "Bukan warga Banjarmasin"
        event = case.events.get(kind=CaseEvent.Kind.TRANSITION)
        assert event.note == "Sudah dicek ke ketua RT"
