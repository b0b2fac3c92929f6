import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pghistory", "0007_auto_20250421_0444"),
        ("volunteers", "0008_w6_mask_change_phones"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="volunteerhistory",
            options={
                "ordering": ["-pgh_created_at", "-pgh_id"],
                "verbose_name": "volunteer change",
                "verbose_name_plural": "volunteer changes",
            },
        ),
        migrations.AddField(
            model_name="volunteerhistory",
            name="action",
            field=models.CharField(
                blank=True,
                choices=[
                    ("created", "Created"),
                    ("updated", "Updated"),
                    ("status", "Status changed"),
                    ("imported", "Imported"),
                    ("invited", "Invitation sent"),
                ],
                db_default="",
                default="",
                max_length=16,
                verbose_name="action",
            ),
        ),
        migrations.AddField(
            model_name="volunteerhistory",
            name="actor",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="changed by",
            ),
        ),
        migrations.AddField(
            model_name="volunteerhistory",
            name="changes",
            field=models.JSONField(blank=True, null=True, verbose_name="changes"),
        ),
        migrations.AddField(
            model_name="volunteerhistory",
            name="note",
            field=models.CharField(
                blank=True, db_default="", default="", max_length=255, verbose_name="note"
            ),
        ),
        migrations.AddIndex(
            model_name="volunteerhistory",
            index=models.Index(fields=["pgh_obj", "-pgh_created_at"], name="volunteer_history_idx"),
        ),
    ]
