"""Every read the volunteers views need, already scoped to the user (404 for "not yours")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Func, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from psm.accounts.models import User
from psm.cachedlists import CachedList, Choices
from psm.crypto import nik_hash
from psm.nik import typed_nik
from volunteers.caseload import caseload
from volunteers.models import (
    ActivityReport,
    Kecamatan,
    Kelurahan,
    Training,
    TrainingParticipant,
    Volunteer,
    VolunteerHistory,
    previous_month,
)


@dataclass(frozen=True)
class KelurahanRow:
    id: int
    name: str
    kecamatan_id: int
    kecamatan: str


@dataclass(frozen=True)
class Areas:
    """Every kelurahan by name, the kecamatan that have one by name, and their choices."""

    kelurahan: tuple[KelurahanRow, ...]
    kecamatan: tuple[tuple[int, str], ...]
    kelurahan_names: dict[int, str]
    kelurahan_choices: Choices  # (str(pk), name), for filters
    kecamatan_choices: Choices


def _load_areas() -> Areas:
    rows = tuple(
        KelurahanRow(*row)
        for row in Kelurahan.objects.order_by("name").values_list(
            "pk", "name", "kecamatan_id", "kecamatan__name"
        )
    )
    kecamatan = tuple(sorted({(k.kecamatan_id, k.kecamatan) for k in rows}, key=lambda k: k[1]))
    return Areas(
        kelurahan=rows,
        kecamatan=kecamatan,
        kelurahan_names={k.id: k.name for k in rows},
        kelurahan_choices=Choices((str(k.id), k.name) for k in rows),
        kecamatan_choices=Choices((str(pk), name) for pk, name in kecamatan),
    )


_AREAS = CachedList(_load_areas, Kelurahan, Kecamatan)


def areas(*, fresh: bool = False) -> Areas:
    """The kelurahan and kecamatan lists (psm.cachedlists: read once per process; `fresh`:
    read again now)."""
    return _AREAS.get(fresh=fresh)


def last_month(today: dt.date | None = None) -> dt.date:
    return previous_month(today or timezone.localdate())


def basic_training_done() -> Exists:
    """True when the volunteer attended a training flagged as the basic PSM training."""
    return Exists(
        TrainingParticipant.objects.filter(
            volunteer=OuterRef("pk"),
            attendance=TrainingParticipant.Attendance.ATTENDED,
            training__is_basic_psm=True,
        )
    )


def reported_for(month: dt.date) -> Exists:
    return Exists(
        ActivityReport.objects.filter(
            volunteer=OuterRef("pk"),
            month=month,
            status__in=ActivityReport.COUNTS_AS_REPORTED,
        )
    )


# --- workload ---------------------------------------------------------------------------
# The case numbers come from `cases` through settings.PSM_VOLUNTEER_CASELOAD (volunteers.
# caseload): this app never imports `cases`, so the open and overdue rules stay there.
# "Active" means a case action within ACTIVE_DAYS (the last case activity, cases/caseload.py).
ACTIVE_DAYS = 30


def active_cutoff(now: dt.datetime) -> dt.datetime:
    """The start of the window in which a volunteer counts as active."""
    return now - dt.timedelta(days=ACTIVE_DAYS)


def workload_annotations(
    user_ref: str = "pk", *, now: dt.datetime | None = None, detail: bool = True
) -> dict[str, Func]:
    """Open and overdue cases assigned to a user id `user_ref` (`pk` on users, `user_id` on
    volunteers), by status and with `last_case_activity` unless `detail` is off."""
    return caseload().workload_annotations(user_ref, now=now, detail=detail)


def workload_by_status(obj: Any) -> list[tuple[str, str, int]]:
    """(status, label, count) of an object annotated by workload_annotations."""
    return caseload().workload_by_status(obj)


def _require_officer(user: User) -> None:
    if not user.is_officer:
        raise PermissionDenied


def volunteer_roster(*, user: User, workload: bool = True) -> QuerySet[Volunteer]:
    """The roster, for officers only (volunteers get 403: the page is role-gated); with
    each volunteer's workload unless `workload` is off (the export does not show it)."""
    _require_officer(user)
    extra = workload_annotations("user_id") if workload else {}
    return Volunteer.objects.select_related("user", "kelurahan__kecamatan").annotate(
        has_basic_training=basic_training_done(),
        reported_last_month=reported_for(last_month()),
        **extra,
    )


def volunteer_get(*, user: User, pk: int) -> Volunteer:
    """A profile: officers see all; a volunteer sees only their own; else 404."""
    qs = Volunteer.objects.select_related("user", "kelurahan__kecamatan").annotate(
        has_basic_training=basic_training_done(),
        reported_last_month=reported_for(last_month()),
        **workload_annotations("user_id"),
    )
    if not user.is_officer:
        qs = qs.filter(user=user)
    volunteer = qs.filter(pk=pk).first()
    if volunteer is None:
        raise Http404
    return volunteer


def volunteer_for_user(user: User) -> Volunteer | None:
    if not user.is_volunteer:
        return None
    return Volunteer.objects.select_related("kelurahan").filter(user=user).first()


def volunteer_trainings(volunteer: Volunteer) -> QuerySet[TrainingParticipant]:
    return volunteer.trainings.select_related("training").order_by("-training__starts_on")


def volunteer_reports(volunteer: Volunteer) -> QuerySet[ActivityReport]:
    return volunteer.activity_reports.order_by("-month")


def training_list(*, user: User) -> QuerySet[Training]:
    """Officers see every training; a volunteer sees those they were invited to."""
    qs = Training.objects.all()
    if not user.is_officer:
        qs = qs.filter(participants__volunteer__user=user)
    return qs.order_by("-starts_on", "title")


def training_get(*, user: User, pk: int) -> Training:
    training = training_list(user=user).filter(pk=pk).first()
    if training is None:
        raise Http404
    return training


def training_participants(training: Training) -> QuerySet[TrainingParticipant]:
    return training.participants.select_related("volunteer__user", "volunteer__kelurahan").order_by(
        "volunteer__user__full_name"
    )


def training_participant_get(*, user: User, training: Training, pk: int) -> TrainingParticipant:
    if not user.is_admin_role:
        raise PermissionDenied
    participant = training.participants.select_related("volunteer__user").filter(pk=pk).first()
    if participant is None:
        raise Http404
    return participant


def activity_report_list(*, user: User) -> QuerySet[ActivityReport]:
    """Officers see every report; a volunteer only their own."""
    qs = ActivityReport.objects.select_related(
        "volunteer__user", "volunteer__kelurahan", "reviewed_by"
    )
    if not user.is_officer:
        qs = qs.filter(volunteer__user=user)
    return qs.order_by("-month", "volunteer__user__full_name")


def activity_report_get(*, user: User, pk: int) -> ActivityReport:
    report = activity_report_list(user=user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report


def volunteers_not_reported(*, user: User, month: dt.date) -> QuerySet[Volunteer]:
    """Active volunteers with no submitted/approved report for `month` (officers only)."""
    _require_officer(user)
    return (
        Volunteer.objects.filter(status=Volunteer.Status.ACTIVE)
        .filter(~reported_for(month))
        .select_related("user", "kelurahan")
    )


def search_filter(term: str) -> Q:
    term = term.strip()
    q = (
        Q(user__full_name__icontains=term)
        | Q(user__username__icontains=term)
        | Q(sk_number__icontains=term)
        | Q(skills__icontains=term)
    )
    if nik := typed_nik(term):
        # NIK and phone are encrypted at rest: a full NIK is found through its keyed hash.
        q |= Q(nik_hash=nik_hash(nik))
    return q


# --- history ------------------------------------------------------------------------------
HISTORY_ROWS = 50
# Snapshot columns a person does not read as a change of the profile.
_NOT_CHANGES = frozenset({"id", "user", "created_at", "updated_at", "nik_hash"})


def volunteer_history(*, user: User, volunteer: Volunteer) -> list[VolunteerHistory]:
    """The volunteer's latest history rows for officers (nobody else sees them), newest
    first. A row no service annotated (a bulk write, the admin) gets its change from the
    snapshot before it and its actor from the audit context."""
    if not user.is_officer:
        return []
    # One row more than shown: the snapshot the oldest shown row is compared with.
    rows = list(
        VolunteerHistory.objects.filter(pgh_obj=volunteer)
        .select_related("actor", "pgh_context", "kelurahan")
        .order_by("-pgh_created_at", "-pgh_id")[: HISTORY_ROWS + 1]
    )
    fields = [
        f
        for f in VolunteerHistory._meta.concrete_fields
        if f.name in {g.name for g in Volunteer._meta.concrete_fields} - _NOT_CHANGES
    ]
    unannotated = [row for row in rows if row.changes is None]
    actors = {
        row.pgh_context.metadata.get("user") for row in unannotated if row.pgh_context is not None
    }
    people = User.objects.in_bulk([pk for pk in actors if isinstance(pk, int)])
    for index, row in enumerate(rows):
        if row.changes is not None:
            continue
        context = row.pgh_context.metadata if row.pgh_context is not None else {}
        row.actor = people.get(context.get("user"))
        before = next(
            (r for r in rows[index + 1 :] if r.pgh_label in VolunteerHistory.SNAPSHOT_LABELS),
            None,
        )
        row.changes = {
            f.name: [_shown(before, f) if before else "", _shown(row, f)]
            for f in fields
            if before is None or _shown(before, f) != _shown(row, f)
        }
        if before is not None and before.nik_hash != row.nik_hash:
            row.changes["nik"] = ["", str(_("changed"))]
    return rows[:HISTORY_ROWS]


def _shown(row: VolunteerHistory, field: Any) -> str:
    value = getattr(row, field.name)
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
