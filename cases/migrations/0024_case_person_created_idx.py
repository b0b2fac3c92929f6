"""A person's cases newest first (the name search, bench M9), replacing the foreign key's
own index on beneficiary_id: built CONCURRENTLY first, so a deploy on a full database does
not block intake while it builds (about 1 s at 1M cases), then the old index is dropped."""

import django.db.models.deletion
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("cases", "0023_exportlog_to_reports")]

    operations = [
        AddIndexConcurrently(
            model_name="case",
            index=models.Index(
                fields=["beneficiary", "-created_at", "-id"], name="case_person_created_idx"
            ),
        ),
        migrations.AlterField(
            model_name="case",
            name="beneficiary",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="cases",
                to="cases.beneficiary",
                verbose_name="beneficiary",
            ),
        ),
    ]
