"""The case side's data, one module per concern; every model is importable from `cases.models`."""

from cases.models.beneficiary import SEX_CHOICES, Beneficiary, kk_validator, rt_rw_validator
from cases.models.case import (
    DUE_OVERDUE,
    DUE_SOON,
    DUE_SOON_STATE,
    PRIORITY_RANK,
    Case,
    CaseEvent,
    Category,
    Priority,
)
from cases.models.sla import CollectiveLeave, SlaPolicy, SlaUnit
from cases.models.trend import TREND_TIME_ZONE, CaseTrendWeek
from cases.models.visit import Attachment, Visit

__all__ = [
    "DUE_OVERDUE",
    "DUE_SOON",
    "DUE_SOON_STATE",
    "PRIORITY_RANK",
    "SEX_CHOICES",
    "TREND_TIME_ZONE",
    "Attachment",
    "Beneficiary",
    "Case",
    "CaseEvent",
    "CaseTrendWeek",
    "Category",
    "CollectiveLeave",
    "Priority",
    "SlaPolicy",
    "SlaUnit",
    "Visit",
    "kk_validator",
    "rt_rw_validator",
]
