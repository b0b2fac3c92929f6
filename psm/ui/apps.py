from django.apps import AppConfig


class UiConfig(AppConfig):
    """An app only so Django finds `{% load ui %}` (psm/ui/templatetags/ui.py)."""

    name = "psm.ui"
    label = "psm_ui"
