"""The case workflow: one transition table, read by the service, the views and the tests.

new -> verified -> assigned -> in_progress -> resolved -> closed
new/verified -> rejected (reason); verified/assigned/in_progress -> referred (partner);
resolved -> in_progress (reopen, officers); closed -> in_progress (reopen, supervisor/admin).
Moving to `assigned` happens through `case_assign` (it needs an assignee).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cases.models import Case
from psm.accounts.models import User

S = Case.Status


class Who(enum.Enum):
    OFFICER = "officer"  # staff, supervisor, admin
    SUPERVISOR = "supervisor"  # supervisor, admin
    ASSIGNEE = "assignee"  # the assigned user, or any officer


@dataclass(frozen=True)
class Rule:
    who: Who
    label: object  # lazy translated verb shown on the button
    needs_reason: bool = False
    needs_partner: bool = False
    needs_resolution_note: bool = False
    via_assign: bool = False


ALLOWED_TRANSITIONS: dict[tuple[str, str], Rule] = {
    (S.NEW, S.VERIFIED): Rule(Who.OFFICER, _("Verify")),
    (S.NEW, S.REJECTED): Rule(Who.OFFICER, _("Reject"), needs_reason=True),
    (S.VERIFIED, S.REJECTED): Rule(Who.OFFICER, _("Reject"), needs_reason=True),
    (S.NEW, S.ASSIGNED): Rule(Who.OFFICER, _("Assign"), via_assign=True),
    (S.VERIFIED, S.ASSIGNED): Rule(Who.OFFICER, _("Assign"), via_assign=True),
    (S.ASSIGNED, S.IN_PROGRESS): Rule(Who.ASSIGNEE, _("Start work")),
    (S.IN_PROGRESS, S.RESOLVED): Rule(Who.ASSIGNEE, _("Mark resolved")),
    (S.VERIFIED, S.REFERRED): Rule(Who.OFFICER, _("Refer"), needs_partner=True),
    (S.ASSIGNED, S.REFERRED): Rule(Who.OFFICER, _("Refer"), needs_partner=True),
    (S.IN_PROGRESS, S.REFERRED): Rule(Who.OFFICER, _("Refer"), needs_partner=True),
    (S.RESOLVED, S.CLOSED): Rule(Who.SUPERVISOR, _("Close"), needs_resolution_note=True),
    (S.RESOLVED, S.IN_PROGRESS): Rule(Who.OFFICER, _("Reopen")),
    (S.CLOSED, S.IN_PROGRESS): Rule(Who.SUPERVISOR, _("Reopen")),
}

# A first response by Dinsos (for the response SLA) is any of these moves by an officer.
FIRST_RESPONSE_STATUSES = frozenset({S.VERIFIED, S.REJECTED, S.ASSIGNED, S.REFERRED})


def actor_may(rule: Rule, *, case: Case, user: User) -> bool:
    if rule.who is Who.SUPERVISOR:
        return user.is_supervisor_or_admin
    if rule.who is Who.OFFICER:
        return user.is_officer
    return user.is_officer or (case.assignee_id is not None and case.assignee_id == user.pk)


def transitions_for(*, case: Case, user: User) -> list[tuple[str, Rule]]:
    """The moves this user may make on this case now (assignment excluded: it has its form)."""
    return [
        (to_status, rule)
        for (from_status, to_status), rule in ALLOWED_TRANSITIONS.items()
        if from_status == case.status
        and not rule.via_assign
        and actor_may(rule, case=case, user=user)
    ]
