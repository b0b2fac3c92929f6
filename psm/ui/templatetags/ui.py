"""`{% load ui %}`: psm.ui's definitions for the templates, the same the Python renderers use.

* `{% bs_field form.field %}`: crispy's `as_crispy_field` markup, drawn in Python
  (psm.ui.fields), for pages that draw many fields on every request;
* `{% badge text "danger" data_due_state="overdue" %}`: a badge of a tone (psm.ui.badges);
* `{{ value|ui_date:"datetime" }}`: a date in a named format (psm.ui.dates).
"""

from __future__ import annotations

import datetime as dt

from django import template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

from psm.ui import badges, dates, fields

register = template.Library()


@register.simple_tag
def bs_field(field: BoundField) -> SafeString:
    return fields.render_field(field)


@register.simple_tag
def badge(
    text: object, tone: str, pill: bool = False, extra: str = "", **data: object
) -> SafeString:
    return badges.badge(text, tone, pill=pill, extra=extra, **data)


@register.filter(expects_localtime=True, is_safe=False)
def ui_date(value: dt.date | dt.datetime | None, name: str) -> str:
    """`|date:` with the format named in psm.ui.dates.FORMATS ("" for no date, as `|date`)."""
    if value in (None, ""):
        return ""
    return dates.shown(value, name)
