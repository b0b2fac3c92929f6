"""The one audit record of a volunteer: django-pghistory's VolunteerHistory, annotated by the
roster services with the action, the actor and the change as a person reads it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pghistory
import pghistory.models
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.dateparse import parse_date
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from psm.ui.dates import shown
from volunteers.models.volunteer import Volunteer

# Audit (django-pghistory): the one history of a volunteer. A trigger writes a snapshot on
# every insert and update, bulk ones included; encrypted columns stay out (an NIK change shows
# as its hash). The roster services then annotate their own row with the action, the actor
# and the change as a person reads it (volunteers/services/roster.py, numbers masked), which
# also covers the login's name, email and phone, kept on another table.
if TYPE_CHECKING:  # the generated base is dynamic: its columns are declared below
    _VolunteerEvent = pghistory.models.Event
else:
    _VolunteerEvent = pghistory.create_event_model(
        Volunteer,
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        # An invitation changes no column of the volunteer: a manual event records it.
        pghistory.ManualEvent(label="invited"),
        exclude=["nik", "whatsapp"],
        obj_field=pghistory.ObjForeignKey(related_name="audit_history"),
    )


class VolunteerHistory(_VolunteerEvent):
    if TYPE_CHECKING:
        pgh_obj: Volunteer
        pgh_context: Any
        nik_hash: str | None

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        STATUS = "status", _("Status changed")
        IMPORTED = "imported", _("Imported")
        INVITED = "invited", _("Invitation sent")

    # Labels of rows whose columns are the volunteer's at that moment (trigger rows and manual
    # events); rows carried over from the former VolunteerChange table say "carried".
    SNAPSHOT_LABELS = frozenset({"insert", "update", "invited"})

    # Empty on a row no service annotated (a bulk write, the admin, a data fix).
    action = models.CharField(
        _("action"), max_length=16, choices=Action.choices, blank=True, default="", db_default=""
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    # {field: [old, new]} with display values; NIKs and phone numbers are stored masked.
    changes = models.JSONField(_("changes"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True, default="", db_default="")

    class Meta:
        ordering = ["-pgh_created_at", "-pgh_id"]
        verbose_name = _("volunteer change")
        verbose_name_plural = _("volunteer changes")
        indexes = [
            models.Index(fields=["pgh_obj", "-pgh_created_at"], name="volunteer_history_idx")
        ]

    def __str__(self) -> str:
        return f"{self.pgh_obj} {self.action or self.pgh_label} {self.pgh_created_at:%Y-%m-%d}"

    @property
    def at(self) -> dt.datetime:
        return self.pgh_created_at

    @property
    def action_label(self) -> str:
        if self.action:
            return str(self.Action(self.action).label)
        created = self.pgh_label == "insert"
        return str(self.Action.CREATED.label if created else self.Action.UPDATED.label)

    @property
    def change_rows(self) -> list[tuple[str, str, str]]:
        """(field, old, new) as a person reads them: the field's verbose name, choice
        labels for coded values, dates in the active language (the JSON keeps raw values)."""
        rows = []
        for name, pair in (self.changes or {}).items():
            old, new = ([*pair, "", ""] if isinstance(pair, list | tuple) else ["", ""])[:2]
            if old in (None, "") and new in (None, ""):
                continue  # an empty field of a new record: nothing to read
            rows.append((change_label(name), change_value(name, old), change_value(name, new)))
        return rows


def _profile_field(name: str) -> models.Field | None:
    """The Volunteer field, or the login's (full name, email, phone), of a change key."""
    for model in (Volunteer, get_user_model()):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(field, models.Field):
            return field
    return None


def change_label(name: str) -> str:
    """A change key (`phone`, `sk_year`, ...) as its field's verbose name."""
    field = _profile_field(name)
    return capfirst(str(field.verbose_name)) if field is not None else name


def change_value(name: str, value: object) -> str:
    """A recorded value as shown: a choice's label, a date in the local format."""
    text = "" if value is None else str(value)
    field = _profile_field(name)
    if field is None or not text:
        return text
    if field.choices:
        return str(dict(field.flatchoices).get(text, text))
    if isinstance(field, models.DateField):
        day = parse_date(text)
        return shown(day, "long_date") if day else text
    return text
