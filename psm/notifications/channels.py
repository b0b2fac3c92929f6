"""The ways a reminder reaches a person: in-app, email, WhatsApp/SMS gateway.

Each `send_*` is called by `reminder_deliver` inside the transaction that already holds the
reminder's row lock and has written it as sent: a channel raises on failure (the transaction
rolls back, nothing is recorded) and returns once the other side has acknowledged the message
(the transaction then commits at once). Every external message carries the reminder's
idempotency key so a sink able to dedupe can do so.
"""

from __future__ import annotations

import json
import logging
import sys
import urllib.error
import urllib.request
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.utils import translation

from psm.accounts.models import User
from psm.logging import redact
from psm.masking import mask_phone
from psm.notifications.models import Notification, Reminder

logger = logging.getLogger(__name__)

IN_APP = "in_app"
EMAIL = "email"
WHATSAPP = "whatsapp"


class ChannelError(Exception):
    """The other side refused or did not answer; the reminder is retried later."""


def absolute_url(url: str) -> str:
    if not url or url.startswith(("http://", "https://")):
        return url
    return settings.PSM_SITE_URL + url


# --- in-app ----------------------------------------------------------------------------
def send_in_app(reminder: Reminder, recipient: User) -> None:
    # Same transaction as the "sent" mark: exactly once, whatever happens to the worker.
    Notification.objects.create(
        recipient=recipient,
        reminder=reminder,
        title=reminder.title,
        body="\n".join(part for part in (reminder.private_body, reminder.body) if part),
        url=reminder.url,
        is_emergency=reminder.is_emergency,
    )


# --- email -----------------------------------------------------------------------------
_email_connection: BaseEmailBackend | None = None
_email_connection_key: tuple[object, ...] = ()


def _email_backend() -> BaseEmailBackend:
    """One SMTP connection per worker process, opened before the send.

    Django's SMTP backend closes a connection it opened itself (QUIT, one more round trip)
    before returning; an already open connection is left open, so the "sent" commit follows
    the server's 250 reply directly.
    """
    global _email_connection, _email_connection_key
    key = (settings.EMAIL_BACKEND, getattr(settings, "EMAIL_HOST", ""), settings.EMAIL_PORT)
    backend = _email_connection
    if backend is None or key != _email_connection_key:
        backend = _email_connection = get_connection(fail_silently=False)
        _email_connection_key = key
    smtp = getattr(backend, "connection", None)
    if smtp is not None:
        try:
            status = smtp.noop()[0]
        except Exception:  # noqa: BLE001 - a stale connection is simply reopened
            status = -1
        if status != 250:
            try:
                backend.close()
            except Exception:  # noqa: BLE001
                setattr(backend, "connection", None)  # noqa: B010
    backend.open()
    return backend


def email_message(reminder: Reminder, recipient: User) -> EmailMultiAlternatives:
    context = {
        "reminder": reminder,
        "recipient": recipient,
        "link": absolute_url(reminder.url),
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("notifications/email/reminder_subject.txt", context)
        text = render_to_string("notifications/email/reminder.txt", context)
        html = render_to_string("notifications/email/reminder.html", context)
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip("> ") or "psm.local"
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        to=[recipient.email],
        headers={
            # The reminder id is the Message-ID: the same reminder always has the same one.
            "Message-ID": f"<{reminder.idempotency_key}@{domain}>",
            "X-PSM-Reminder-Id": str(reminder.pk),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def send_email(reminder: Reminder, recipient: User) -> None:
    global _email_connection
    message = email_message(reminder, recipient)
    try:
        sent = _email_backend().send_messages([message])
    except Exception as exc:
        _email_connection = None  # start afresh next time
        raise ChannelError(f"email: {exc.__class__.__name__}: {exc}") from exc
    if sent != 1:
        raise ChannelError("email: not accepted")


# --- WhatsApp / SMS --------------------------------------------------------------------
class Gateway(Protocol):
    def send(self, *, to: str, text: str, idempotency_key: str) -> None: ...


class ConsoleGateway:
    """Default: writes the message to the worker's console (development, demo).

    The number is masked even then: the console is a log (check --deploy refuses this
    sender without DEBUG), and a developer needs to see that a message went, not to whom."""

    def send(self, *, to: str, text: str, idempotency_key: str) -> None:
        sys.stdout.write(f"[whatsapp {idempotency_key}] to {mask_phone(to)}:\n{redact(text)}\n")
        sys.stdout.flush()


class HttpGateway:
    """POST JSON {to, text, reference} with a bearer token and an Idempotency-Key header.

    urllib rather than a client library: one POST with a timeout needs nothing more.
    """

    def __init__(self, *, url: str, token: str, timeout: float = 10.0) -> None:
        self.url = url
        self.token = token
        self.timeout = timeout

    def send(self, *, to: str, text: str, idempotency_key: str) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise ChannelError("whatsapp: WHATSAPP_GATEWAY_URL must be http(s)")
        payload = json.dumps({"to": to, "text": text, "reference": idempotency_key}).encode()
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            self.url,
            data=payload,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {self.token}",
                "Idempotency-Key": idempotency_key,
            },
        )
        try:
            # The URL is the operator-configured WHATSAPP_GATEWAY_URL, never user input.
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310  # nosec B310
                status = response.status
        except urllib.error.HTTPError as exc:
            raise ChannelError(f"whatsapp: gateway answered {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise ChannelError(f"whatsapp: {exc}") from exc
        if not 200 <= status < 300:
            raise ChannelError(f"whatsapp: gateway answered {status}")


def gateway() -> Gateway:
    if settings.WHATSAPP_GATEWAY_URL and settings.WHATSAPP_GATEWAY_TOKEN:
        return HttpGateway(url=settings.WHATSAPP_GATEWAY_URL, token=settings.WHATSAPP_GATEWAY_TOKEN)
    return ConsoleGateway()


def whatsapp_text(reminder: Reminder) -> str:
    parts = [reminder.title, reminder.body, absolute_url(reminder.url)]
    return "\n".join(p for p in parts if p)


def send_whatsapp(reminder: Reminder, recipient: User) -> None:
    # Gateways want E.164 (+62...), not the national display format.
    phone = recipient.phone
    gateway().send(
        to=getattr(phone, "as_e164", None) or str(phone),
        text=whatsapp_text(reminder),
        idempotency_key=reminder.idempotency_key,
    )


def whatsapp_number(user: User) -> str:
    """The number to message: the volunteer's WhatsApp number, else the login's phone, in
    E.164 (+62...) as gateways want it; "" when there is none. The volunteer profile is
    reached through its related name (notifications does not import volunteers)."""
    volunteer = getattr(user, "volunteer", None)
    for phone in (getattr(volunteer, "whatsapp", None), user.phone):
        if phone:
            return getattr(phone, "as_e164", None) or str(phone)
    return ""


def send_text(*, to: str, text: str, idempotency_key: str, secret: str = "") -> None:
    """One message outside the reminder machinery (an invitation link, say).

    `secret` is a part of `text` that opens something (a one-time token). The console
    gateway writes to the process's stdout, which in production ends up in persistent logs
    (journald, container logs): there it is masked unless DEBUG is on, when the console is
    the developer's inbox. A real gateway always gets the whole text.
    """
    sink = gateway()
    if secret and isinstance(sink, ConsoleGateway) and not settings.DEBUG:
        text = text.replace(secret, secret[:4] + "…[redacted]")
    sink.send(to=to, text=text, idempotency_key=idempotency_key)


SENDERS: dict[str, Any] = {IN_APP: send_in_app, EMAIL: send_email, WHATSAPP: send_whatsapp}
