"""Triage actions on one case or many at once (the triage queue's bulk form).

Each case is handled in its own transaction through the ordinary workflow services, so a
case that cannot take the action (already assigned to that person, closed meanwhile...) is
skipped with its reason while the others go through. The officer sees both lists.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Category
from cases.services.workflow import (
    case_assign,
    case_mark_duplicate,
    case_set_category,
    case_set_priority,
    case_transition,
    tell_assigned_many,
)
from cases.sla import sla_cache
from psm.accounts.models import User

logger = logging.getLogger(__name__)

ACTIONS = {
    "assign": _("Assign"),
    "verify": _("Verify"),
    "priority": _("Set priority"),
    "category": _("Set category"),
    "reject": _("Reject"),
    "duplicate": _("Mark as duplicate"),
}


@dataclass
class BulkResult:
    done: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def _tell(*, assignee: User, actor: User, references: list[str]) -> None:
    """The digest must not turn a done bulk action into an error page: the assignments are
    committed and the officer needs the list of what was done and skipped."""
    try:
        tell_assigned_many(assignee=assignee, actor=actor, references=references)
    except Exception:  # noqa: BLE001 - logged; the assignments stand
        logger.exception("bulk assignment: the assignee %s was not told", assignee.pk)


def _message(error: ValidationError) -> str:
    return " ".join(str(m) for m in error.messages)


def cases_bulk_apply(
    *,
    cases: Iterable[Case],
    action: str,
    actor: User,
    assignee: User | None = None,
    priority: str = "",
    category: Category | None = None,
    reason: str = "",
    duplicate_of: Case | None = None,
    note: str = "",
) -> BulkResult:
    """Apply one triage action to each case; report which were done and which skipped."""
    if action not in ACTIONS:
        raise ValidationError(_("Unknown action."), code="unknown_action")
    result = BulkResult()
    # One read of the SLA policies and leave days for all the cases (priority/category
    # changes recompute due times).
    with sla_cache():
        try:
            for case in cases:
                kwargs: dict[str, Any] = {"case": case, "actor": actor}
                try:
                    if action == "assign":
                        if assignee is None:
                            raise ValidationError(_("Choose who gets the cases."))
                        case_assign(assignee=assignee, note=note, tell=False, **kwargs)
                    elif action == "verify":
                        case_transition(to_status=Case.Status.VERIFIED, note=note, **kwargs)
                    elif action == "priority":
                        case_set_priority(priority=priority, note=note, **kwargs)
                    elif action == "category":
                        if category is None:
                            raise ValidationError(_("Choose a category."))
                        case_set_category(category=category, note=note, **kwargs)
                    elif action == "reject":
                        case_transition(
                            to_status=Case.Status.REJECTED, reason=reason, note=note, **kwargs
                        )
                    elif action == "duplicate":
                        if duplicate_of is None:
                            raise ValidationError(_("Give the reference of the original case."))
                        case_mark_duplicate(duplicate_of=duplicate_of, **kwargs)
                except ValidationError as error:
                    result.skipped.append((case.reference, _message(error)))
                else:
                    result.done.append(case.reference)
        finally:
            # Whatever happened to the later cases, the committed ones are told (one message).
            if action == "assign" and assignee is not None:
                _tell(assignee=assignee, actor=actor, references=result.done)
    return result
