"""Deploy checks (`manage.py check --deploy`): no console sink for messages in production.

A console email backend or WhatsApp sender writes password-reset and invitation links to
stdout, which in production lands in persistent logs (journald, container logs) where
anyone who reads them can take over an account.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, register

UNSAFE_EMAIL_BACKENDS = (
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
)


@register(Tags.security, deploy=True)
def check_message_sinks(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    if settings.DEBUG:
        return []
    errors = []
    if settings.EMAIL_BACKEND in UNSAFE_EMAIL_BACKENDS:
        errors.append(
            Error(
                "Email goes to the console or a file: password-reset and invitation links "
                "would be written to the logs.",
                hint="Set EMAIL_URL (e.g. smtp+tls://user:password@mail.example.go.id:587).",
                id="psm.E001",
            )
        )
    if not (settings.WHATSAPP_GATEWAY_URL and settings.WHATSAPP_GATEWAY_TOKEN):
        errors.append(
            Error(
                "WhatsApp/SMS messages go to the console: invitation links would be written "
                "to the logs.",
                hint="Set WHATSAPP_GATEWAY_URL and WHATSAPP_GATEWAY_TOKEN.",
                id="psm.E002",
            )
        )
    return errors
