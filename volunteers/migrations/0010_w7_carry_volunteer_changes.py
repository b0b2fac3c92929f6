"""Carry the rows of VolunteerChange (dropped next) into the volunteer's pghistory rows.

Each service wrote its VolunteerChange row in the transaction whose trigger row it follows.
A transaction's trigger rows share NOW() (its start), so a change is matched with the first
unused trigger row of the latest transaction that began before it (an import's update and
status change of one volunteer are two rows of one transaction) and annotates it. A change
with no such row (an invitation changes no column; changes older than the triggers of 0006)
becomes a row of its own labelled "carried", whose columns are copied from the nearest
snapshot: the page shows its recorded change, never a diff of those columns. The recorded
changes were masked by 0008 and are copied as they are.
"""

import datetime as dt

from django.db import migrations

SNAPSHOT_LABELS = ("insert", "update", "invited")
# A service's transaction is short; a trigger row older than this is another write's.
MATCH_WINDOW = dt.timedelta(hours=1)
# The trigger row's time is the database's clock (NOW()), the change's the app server's:
# a database host whose clock runs a little ahead must not hide the row that belongs.
CLOCK_SLACK = dt.timedelta(seconds=2)
COLUMNS = (
    "id",
    "status",
    "appointed_on",
    "created_at",
    "nik_hash",
    "address",
    "sk_number",
    "sk_year",
    "status_reason",
    "status_changed_on",
    "skills",
    "updated_at",
    "kelurahan_id",
    "user_id",
)


def _annotate(row, change):
    row.action = change.action
    row.actor_id = change.actor_id
    row.changes = change.changes or {}
    row.note = change.note
    row.save(update_fields=["action", "actor", "changes", "note"])


def _carry(History, source, volunteer_id, change):
    values = {name: getattr(source, name) for name in COLUMNS}
    row = History.objects.create(
        pgh_label="carried",
        pgh_obj_id=volunteer_id,
        action=change.action,
        actor_id=change.actor_id,
        changes=change.changes or {},
        note=change.note,
        **values,
    )
    # auto_now(_add) fields take "now" on create: put the recorded times back.
    History.objects.filter(pk=row.pk).update(
        pgh_created_at=change.at, created_at=values["created_at"], updated_at=values["updated_at"]
    )


def carry_changes(apps, schema_editor):
    Change = apps.get_model("volunteers", "VolunteerChange")
    History = apps.get_model("volunteers", "VolunteerHistory")
    Volunteer = apps.get_model("volunteers", "Volunteer")
    volunteer_ids = Change.objects.order_by().values_list("volunteer_id", flat=True).distinct()
    for volunteer_id in volunteer_ids.iterator():
        snapshots = list(
            History.objects.filter(pgh_obj_id=volunteer_id, pgh_label__in=SNAPSHOT_LABELS).order_by(
                "pgh_created_at", "pgh_id"
            )
        )
        unused = [r for r in snapshots if r.pgh_label in ("insert", "update") and r.changes is None]
        last_id = 0
        for change in Change.objects.filter(volunteer_id=volunteer_id).order_by("at", "id"):
            candidates = [
                r
                for r in unused
                if r.pgh_id > last_id
                and r.pgh_created_at <= change.at + CLOCK_SLACK
                and change.at - r.pgh_created_at <= MATCH_WINDOW
            ]
            if change.action != "invited" and candidates:
                latest = max(r.pgh_created_at for r in candidates)
                row = min(
                    (r for r in candidates if r.pgh_created_at == latest), key=lambda r: r.pgh_id
                )
                last_id = row.pgh_id
                _annotate(row, change)
                continue
            earlier = [r for r in snapshots if r.pgh_created_at <= change.at]
            source = (earlier[-1] if earlier else None) or (snapshots[0] if snapshots else None)
            if source is None:
                source = Volunteer.objects.get(pk=volunteer_id)
            _carry(History, source, volunteer_id, change)


def uncarry_changes(apps, schema_editor):
    """Back to 0009 (after 0011's reverse made the empty table again): every history row that
    carries a recorded change becomes a VolunteerChange row again, at its time; the rows this
    migration made go, and the annotations are taken off (0009's reverse drops them)."""
    Change = apps.get_model("volunteers", "VolunteerChange")
    History = apps.get_model("volunteers", "VolunteerHistory")
    annotated = History.objects.exclude(action="").order_by("pgh_created_at", "pgh_id")
    for row in annotated.iterator():
        made = Change.objects.create(
            volunteer_id=row.pgh_obj_id,
            actor_id=row.actor_id,
            action=row.action,
            changes=row.changes or {},
            note=row.note,
        )
        Change.objects.filter(pk=made.pk).update(at=row.pgh_created_at)
    History.objects.filter(pgh_label="carried").delete()
    History.objects.exclude(action="").update(action="", actor=None, changes=None, note="")


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0009_w7_history_annotations"),
    ]

    operations = [
        migrations.RunPython(carry_changes, uncarry_changes),
    ]
