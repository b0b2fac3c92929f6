"""The volunteer side's data, one module per concern; every model is importable from
`volunteers.models`."""

from volunteers.models.areas import Kecamatan, Kelurahan
from volunteers.models.history import VolunteerHistory, change_label, change_value
from volunteers.models.training import (
    ActivityReport,
    Training,
    TrainingParticipant,
    month_start,
    previous_month,
)
from volunteers.models.volunteer import Volunteer

__all__ = [
    "ActivityReport",
    "Kecamatan",
    "Kelurahan",
    "Training",
    "TrainingParticipant",
    "Volunteer",
    "VolunteerHistory",
    "change_label",
    "change_value",
    "month_start",
    "previous_month",
]
