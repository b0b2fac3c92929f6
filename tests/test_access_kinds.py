"""The access log's kinds come from the apps that log them (psm knows only "export")."""

from __future__ import annotations

import pytest

from psm.accesslog.kinds import AccessKinds
from psm.accesslog.models import AccessEntry


def test_the_case_side_registers_its_kinds_and_they_read_as_before():
    assert (AccessEntry.Kind.CASE, AccessEntry.Kind.NIK_LOOKUP) == ("case", "nik_lookup")
    entry = AccessEntry(kind=AccessEntry.Kind.BENEFICIARY)
    assert entry.get_kind_display() == "Orang"  # LANGUAGE_CODE id


def test_a_kind_is_registered_once_and_a_clash_is_refused():
    kinds = AccessKinds()
    kinds.register("VISIT", "visit", "Visit")
    kinds.register("VISIT", "visit", "Visit")  # an app's ready() run twice
    with pytest.raises(ValueError, match="clashes"):
        kinds.register("HOUSE", "visit", "House")
    with pytest.raises(AttributeError):
        _ = kinds.HOUSE


@pytest.mark.django_db
def test_the_admin_filters_the_log_by_a_registered_kind(login, admin_user):
    response = login(admin_user).get("/admin/accesslog/accessentry/", {"kind__exact": "nik_lookup"})
    assert response.status_code == 200
    assert "Pencarian NIK" in response.content.decode()
