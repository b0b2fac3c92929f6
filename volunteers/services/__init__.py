"""Every write of the volunteers app (style.md §1). Import from here."""

from volunteers.services.importing import (
    roster_import,
    roster_upload_drop,
    roster_upload_get,
    roster_upload_keep,
)
from volunteers.services.reports import (
    activity_report_cases_handled_prefill,
    activity_report_create,
    activity_report_review,
    activity_report_submit,
    activity_report_update,
)
from volunteers.services.roster import (
    volunteer_create,
    volunteer_deactivate,
    volunteer_invite,
    volunteer_set_status,
    volunteer_update,
)
from volunteers.services.trainings import (
    training_attendance_set,
    training_create,
    training_invite,
    training_uninvite,
    training_update,
)

__all__ = [
    "activity_report_cases_handled_prefill",
    "activity_report_create",
    "activity_report_review",
    "activity_report_submit",
    "activity_report_update",
    "roster_import",
    "roster_upload_drop",
    "roster_upload_get",
    "roster_upload_keep",
    "training_attendance_set",
    "training_create",
    "training_invite",
    "training_uninvite",
    "training_update",
    "volunteer_create",
    "volunteer_deactivate",
    "volunteer_invite",
    "volunteer_set_status",
    "volunteer_update",
]
