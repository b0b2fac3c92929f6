"""The role gates, asked directly with every role (no database): who passes, who gets 403.

Written out per role rather than read from the User properties they use, so a gate opened
to one role too many fails here. Fast: `make mutate` uses these for the role gates.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from psm.accounts.access import require_officer, require_supervisor
from psm.accounts.models import User
from volunteers.views.common import require_admin

ROLES = ("volunteer", "staff", "supervisor", "admin")
# gate: the roles that pass it (everyone else: 403).
PASSES = {
    require_officer: {"staff", "supervisor", "admin"},
    require_supervisor: {"supervisor", "admin"},
    require_admin: {"admin"},
}


def _request(role: str):
    request = RequestFactory().get("/")
    request.user = User(pk=1, username=role, role=role)
    return request


@pytest.mark.parametrize("gate", list(PASSES), ids=lambda g: g.__name__)
@pytest.mark.parametrize("role", ROLES)
def test_gate_lets_exactly_its_roles_through(gate, role):
    request = _request(role)
    if role in PASSES[gate]:
        assert gate(request) is request.user
    else:
        with pytest.raises(PermissionDenied):
            gate(request)


@pytest.mark.parametrize(
    ("role", "volunteer", "officer", "supervisor_or_admin", "admin"),
    [
        ("volunteer", True, False, False, False),
        ("staff", False, True, False, False),
        ("supervisor", False, True, True, False),
        ("admin", False, True, True, True),
    ],
)
def test_role_properties(role, volunteer, officer, supervisor_or_admin, admin):
    user = User(username=role, role=role)
    assert (
        user.is_volunteer,
        user.is_officer,
        user.is_supervisor_or_admin,
        user.is_admin_role,
    ) == (volunteer, officer, supervisor_or_admin, admin)


@pytest.mark.parametrize("role", ["", "tamu", "warga"])  # below, between, above the roles
def test_a_user_without_a_known_role_passes_no_gate(role):
    """Deny by default: a blank or unknown role is no volunteer, officer or admin."""
    request = _request(role)
    for gate in PASSES:
        with pytest.raises(PermissionDenied):
            gate(request)
    user = request.user
    assert not (user.is_volunteer or user.is_officer or user.is_supervisor_or_admin)
    assert not user.is_admin_role
