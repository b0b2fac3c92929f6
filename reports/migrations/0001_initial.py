"""The export log, taken over from the cases app: state only, the table cases_exportlog stays."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("cases", "0022_visit_volunteer_logged_idx"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
        migrations.CreateModel(
            name='ExportLog',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='exported at')),
                ('kind', models.CharField(choices=[('monthly_xlsx', 'Monthly report (XLSX)'), ('monthly_pdf', 'Monthly report (PDF)'), ('cases_csv', 'Case list (CSV)'), ('cases_xlsx', 'Case list (XLSX)'), ('roster_csv', 'Volunteer roster (CSV)'), ('roster_xlsx', 'Volunteer roster (XLSX)')], max_length=16, verbose_name='kind')),
                ('filters', models.JSONField(blank=True, default=dict, verbose_name='filters')),
                ('row_count', models.PositiveIntegerField(default=0, verbose_name='rows')),
                ('include_nik', models.BooleanField(default=False, verbose_name='full NIK included')),
                ('purpose', models.CharField(max_length=200, verbose_name='purpose')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='finished at')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='exported by')),
            ],
            options={
                'verbose_name': 'export log entry',
                'verbose_name_plural': 'export log',
                'db_table': 'cases_exportlog',
                'ordering': ['-created_at', '-id'],
            },
        ),
            ],
        ),
    ]
