"""Every write to cases goes through these functions (keyword-only, atomic, full_clean)."""

from cases.services.attachments import attachment_add, attachment_check, attachments_add
from cases.services.beneficiaries import beneficiary_create, beneficiary_merge
from cases.services.intake import case_file, case_file_allowed, case_file_check, case_intake
from cases.services.reference import reference_next
from cases.services.retention import attachments_purge
from cases.services.thumbnails import attachment_thumbnail
from cases.services.visits import visit_allowed, visit_check, visit_log
from cases.services.workflow import (
    TransitionRefused,
    assignable_users,
    case_add_note,
    case_assign,
    case_mark_duplicate,
    case_set_category,
    case_set_priority,
    case_transition,
    departed_users,
    event_record,
)

__all__ = [
    "TransitionRefused",
    "assignable_users",
    "departed_users",
    "attachment_add",
    "attachment_check",
    "attachments_add",
    "attachment_thumbnail",
    "attachments_purge",
    "beneficiary_create",
    "beneficiary_merge",
    "case_add_note",
    "case_assign",
    "case_file",
    "case_file_allowed",
    "case_file_check",
    "case_intake",
    "case_mark_duplicate",
    "case_set_category",
    "case_set_priority",
    "case_transition",
    "event_record",
    "reference_next",
    "visit_allowed",
    "visit_check",
    "visit_log",
]
