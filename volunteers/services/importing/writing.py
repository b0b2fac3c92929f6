"""Writing a validated roster: all rows or (if asked) the valid ones, in one transaction.

Rows are written only through the roster services, so an import leaves the same history,
logins and invitations as creating volunteers one by one.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from psm.accounts.models import User
from volunteers.models import Volunteer, VolunteerHistory
from volunteers.services.importing.validation import ImportResult, roster_validate
from volunteers.services.roster import volunteer_create, volunteer_set_status, volunteer_update


def roster_import(
    *,
    content: bytes,
    file_format: str,
    actor: User | None,
    base_url: str = "",
    dry_run: bool = True,
    valid_rows_only: bool = False,
) -> ImportResult:
    """Validate a roster file and, unless `dry_run`, write it.

    Nothing is written when any row is invalid, unless `valid_rows_only`: then the valid
    rows are written and the invalid ones reported. Writes are one transaction.
    """
    result = roster_validate(content, file_format)
    if dry_run or result.file_errors or (result.error_rows and not valid_rows_only):
        return result
    with transaction.atomic():
        for row in result.rows:
            if row.errors or row.action == "unchanged":
                continue
            profile = row.data["profile"]
            if row.action == "new":
                volunteer_create(
                    username=row.username,
                    status=row.data["status"],
                    status_reason=row.data["status_reason"],
                    actor=actor,
                    base_url=base_url,
                    action=VolunteerHistory.Action.IMPORTED,
                    **profile,
                )
                continue
            volunteer = Volunteer.objects.select_related("user").get(user__username=row.username)
            volunteer_update(
                volunteer=volunteer,
                data=profile,
                actor=actor,
                action=VolunteerHistory.Action.IMPORTED,
            )
            if "status" in row.changes or "status_reason" in row.changes:
                volunteer_set_status(
                    volunteer=volunteer,
                    status=row.data["status"],
                    reason=row.data["status_reason"] or _("Imported"),
                    actor=actor,
                )
        result.written = True
    return result
