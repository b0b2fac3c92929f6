"""`{% status_badge volunteer %}`: a volunteer's status, one tone per status, for the roster
and the volunteer's page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from psm.ui.badges import badge
from volunteers.models import Volunteer

register = template.Library()

# On duty green, suspended amber, inactive grey.
STATUS_TONE = {Volunteer.Status.ACTIVE: "success", Volunteer.Status.SUSPENDED: "warning"}


@register.simple_tag
def status_badge(volunteer: Any) -> SafeString:
    return badge(volunteer.get_status_display(), STATUS_TONE.get(volunteer.status, "secondary"))
