"""{% outbox_strings %}: the field app's words for static/js/outbox.js, translated here; and
`may_file_cases`, who sees the intake link and the field app."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from cases.services.intake import case_file_allowed

register = template.Library()


@register.filter
def may_file_cases(user: Any) -> bool:
    """{% if user|may_file_cases %}: the intake link and the field app, for those who may
    file cases (cases.services.intake.case_file_allowed; nobody when signed out)."""
    return bool(getattr(user, "is_authenticated", False)) and case_file_allowed(user)


def _strings() -> dict[str, str]:
    return {
        "saved_offline": _("Saved on the phone, not sent yet."),
        "offline_now": _("No connection: it is sent by itself when the signal returns."),
        # An answer without our JSON (a proxy's 502, a crash page): the status, never the
        # server's English reason phrase.
        "server_error": _("The server answered %(status)s; it is sent again by itself."),
        "sending": _("Sending…"),
        "sent": _("Sent."),
        "state_menunggu": _("waiting"),
        "state_mengirim": _("sending"),
        "state_terkirim": _("sent"),
        "state_gagal": _("failed"),
        "kind_case": _("New case"),
        "kind_visit": _("Visit"),
        "kind_note": _("Note"),
        "photos": _("%(n)s photo(s)"),
        "photos_sent": _("%(sent)s of %(n)s photo(s) sent"),
        "tries": _("%(n)s tries; next try at %(time)s"),
        "recorded": _("Recorded %(time)s"),
        "new_version": _("A new version is available."),
        "reload": _("Reload"),
        "logout_warn": _(
            "%(n)s record(s) on this phone have not been sent. Logging out deletes them "
            "from the phone. Log out anyway?"
        ),
        "storage": _("Space used on the phone: %(used)s of %(quota)s."),
        "persisted": _("The phone keeps this data until it is sent."),
        "not_persisted": _(
            "The phone may delete this data when space runs low: send it soon, "
            "or save it to a file."
        ),
        "empty": _("The outbox is empty."),
        "edit": _("Edit"),
        "login_again": _("Log in again to send."),
        "fix_errors": _("Not sent: check the marked fields."),
        "open_outbox": _("Open the outbox"),
        "in_outbox": _("case still in the outbox"),
        "unsent_count": _("%(n)s not sent"),
        "search_offline": _(
            "Searching needs a connection. Type the person below as new: Dinsos checks "
            "for duplicates when the case arrives."
        ),
        "choose_case": _("Choose the case or type its reference."),
    }


@register.simple_tag
def outbox_strings() -> SafeString:
    return json_script(_strings(), "outbox-strings")
