"""Seed the default SLA policies (service_standards.md) and backfill triage due times.

Values are frozen here (a migration must not follow later code): emergency triage and first
response 45 minutes of clock time, resolution 3 working days; every other priority triage
and first response 3 working days, resolution 14 working days. cases/sla.py FALLBACK holds
the same numbers for a database whose defaults an admin deleted.
"""

from django.db import migrations
from django.db.models import F

MIN, DAYS = "minutes", "working_days"
DEFAULTS = {
    "emergency": ((45, MIN), (45, MIN), (3, DAYS)),
    "high": ((3, DAYS), (3, DAYS), (14, DAYS)),
    "normal": ((3, DAYS), (3, DAYS), (14, DAYS)),
    "low": ((3, DAYS), (3, DAYS), (14, DAYS)),
}


def seed(apps, schema_editor):
    SlaPolicy = apps.get_model("cases", "SlaPolicy")
    for priority, (triage, response, resolution) in DEFAULTS.items():
        SlaPolicy.objects.get_or_create(
            category=None,
            priority=priority,
            defaults={
                "triage_amount": triage[0],
                "triage_unit": triage[1],
                "response_amount": response[0],
                "response_unit": response[1],
                "resolution_amount": resolution[0],
                "resolution_unit": resolution[1],
            },
        )
    # Until now a case had one due time, the first response, which was also the triage
    # deadline the reminders used. Resolution due times start with new cases.
    Case = apps.get_model("cases", "Case")
    Case.objects.filter(triage_due_at__isnull=True).update(triage_due_at=F("due_at"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_sla_policy")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
