"""Wording shared by the case notifications (assignment, reminders)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

# In-app only (Reminder.private_body): whom a case notification is about. Never sent by email
# or WhatsApp: a name next to a category such as "Orang dengan HIV/AIDS" is sensitive data
# that should not sit in a mail server or on a phone's lock screen; the reference and the
# category are enough to recognise the case, and the link opens it behind the login.
PERSON_LINE = gettext_lazy("Person: %(name)s, kelurahan %(kelurahan)s.")


def person_line(*, name: str, kelurahan: str) -> str:
    return str(PERSON_LINE) % {"name": name, "kelurahan": kelurahan}
