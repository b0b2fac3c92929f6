"""ExportLog moved to the reports app: only Django's state changes, the table stays.

reports 0001 takes the model over under the same table name (cases_exportlog), so no row moves.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0022_visit_volunteer_logged_idx"),
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ExportLog")],
            database_operations=[],
        ),
    ]
