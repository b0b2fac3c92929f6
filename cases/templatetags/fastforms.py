"""`{% bs_field form.field %}`: crispy's `as_crispy_field` markup, drawn in Python
(psm.fastforms), for pages that draw many fields on every request."""

from __future__ import annotations

from django import template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

from psm.fastforms import render_field

register = template.Library()


@register.simple_tag
def bs_field(field: BoundField) -> SafeString:
    return render_field(field)
