"""Mask the phone and WhatsApp numbers kept in clear in earlier history rows.

The rule is copied from psm.masking.mask_phone as it was when this ran (a migration must
not change when the code does). Rows already masked stay as they are.
"""

from django.db import migrations

FIELDS = ("phone", "whatsapp")


def _mask(value):
    if not value or "*" in str(value):
        return value
    text = str(value).strip()
    if len(text) < 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 7) + text[-3:]


def mask_existing(apps, schema_editor):
    VolunteerChange = apps.get_model("volunteers", "VolunteerChange")
    rows = VolunteerChange.objects.filter(changes__has_any_keys=list(FIELDS)).only("changes")
    for change in rows.iterator(chunk_size=500):
        changes = dict(change.changes)
        for field in FIELDS:
            pair = changes.get(field)
            if isinstance(pair, list):
                changes[field] = [_mask(v) for v in pair]
        if changes != change.changes:
            change.changes = changes
            change.save(update_fields=["changes"])


class Migration(migrations.Migration):
    dependencies = [
        ("volunteers", "0007_w2_input_date_ranges"),
    ]

    operations = [
        migrations.RunPython(mask_existing, migrations.RunPython.noop),
    ]
