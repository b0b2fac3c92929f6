"""The 26 PPKS types (Permensos 08/2012) plus home repair (RTLH) as case categories.

Default priorities follow Dinsos' emergency list (neglected persons, elderly, homeless,
beggars) and violence/trafficking/disaster; emergency itself is chosen per case.
"""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data" / "ppks_categories.csv"
HIGH = {"PPKS-01", "PPKS-02", "PPKS-06", "PPKS-08", "PPKS-11", "PPKS-12", "PPKS-18",
        "PPKS-19", "PPKS-21", "PPKS-22"}
LOW = {"PPKS-14", "PPKS-26"}


def load(apps, schema_editor):
    Category = apps.get_model("cases", "Category")
    with DATA.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["code"]
            priority = "high" if code in HIGH else "low" if code in LOW else "normal"
            Category.objects.get_or_create(
                code=code,
                defaults={"name": row["name_id"], "name_en": row["name_en"],
                          "group": row["group"], "default_priority": priority},
            )
    Category.objects.get_or_create(
        code="RTLH",
        defaults={"name": "Rumah Tidak Layak Huni (bedah rumah)",
                  "name_en": "Unfit house needing repair (home repair programme)",
                  "group": "rumah", "default_priority": "normal"},
    )


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
