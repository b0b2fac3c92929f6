"""What every app's forms share: the date widget, a service's ValidationError shown on the form."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

# A native date picker; ISO values so the browser can show its own calendar.
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form, on the field it names when it can."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
