"""Read side of the audit trail (django-pghistory) for the case page: who changed what, when.

The triggers snapshot every insert and update of a case and of its beneficiary (bulk updates
included) with the request's user and path, or the Celery task / management command. Here
consecutive snapshots are compared to name the fields that changed. Values are shown only
for status and priority; the NIK appears as "NIK" (its keyed hash changed), and the encrypted
phone number is not in the snapshots at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from cases.models import Beneficiary, BeneficiaryHistory, Case, CaseHistory
from psm.accounts.models import User

# Bookkeeping that changes with every write: never "a change" worth a line.
IGNORED = frozenset({"id", "updated_at", "last_event_at"})
SHOW_VALUES = frozenset({"status", "priority"})


@dataclass
class AuditEntry:
    at: dt.datetime
    who: str
    url: str
    subject: str
    created: bool
    changes: list[str] = field(default_factory=list)


def _who(metadata: dict[str, Any], users: dict[int, User]) -> str:
    user = users.get(metadata.get("user")) if metadata.get("user") else None
    if user is not None:
        return str(user)
    if metadata.get("task"):
        return _("task %(name)s") % {"name": metadata["task"]}
    if metadata.get("command"):
        return _("command %(name)s") % {"name": metadata["command"]}
    return _("system")


def _changes(model: type[models.Model], before: Any, after: Any) -> list[str]:
    out = []
    for f in model._meta.concrete_fields:
        if f.name in IGNORED or not hasattr(after, f.attname):
            continue
        old, new = getattr(before, f.attname), getattr(after, f.attname)
        if old == new:
            continue
        if f.name == "nik_hash":
            out.append(_("NIK"))
        elif f.name in SHOW_VALUES and f.choices:
            labels = dict(f.flatchoices)
            out.append(f"{f.verbose_name}: {labels.get(old, old)} → {labels.get(new, new)}")
        else:
            out.append(str(f.verbose_name))
    return out


def case_audit_history(case: Case) -> list[AuditEntry]:
    """Oldest first. Three queries whatever the length: case rows, person rows, users."""
    sources: list[tuple[type[models.Model], str, list[Any]]] = [
        (
            Case,
            _("Case"),
            list(
                CaseHistory.objects.filter(pgh_obj_id=case.pk)
                .select_related("pgh_context")
                .order_by("pgh_id")
            ),
        ),
        (
            Beneficiary,
            _("Person"),
            list(
                BeneficiaryHistory.objects.filter(pgh_obj_id=case.beneficiary_id)
                .select_related("pgh_context")
                .order_by("pgh_id")
            ),
        ),
    ]
    user_ids = {
        row.pgh_context.metadata.get("user")
        for _m, _s, rows in sources
        for row in rows
        if row.pgh_context_id and row.pgh_context.metadata.get("user")
    }
    users = User.objects.in_bulk(user_ids)
    entries = []
    for model, subject, rows in sources:
        previous = None
        for row in rows:
            metadata = row.pgh_context.metadata if row.pgh_context_id else {}
            created = previous is None and row.pgh_label == "insert"
            changes = [] if previous is None else _changes(model, previous, row)
            previous = row
            if not created and not changes:
                continue
            entries.append(
                AuditEntry(
                    at=row.pgh_created_at,
                    who=_who(metadata, users),
                    url=metadata.get("url", ""),
                    subject=str(subject),
                    created=created,
                    changes=changes,
                )
            )
    entries.sort(key=lambda e: e.at)
    return entries
