"""Indexes the dashboard needs at 1M cases (issue 7, EXPLAIN ANALYZE in README "Benchmarks").

Built CONCURRENTLY so a deploy on a full database does not block intake while they build.
"""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models
from django.db.models import Q


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("cases", "0004_beneficiaries_cases_workflow")]

    operations = [
        AddIndexConcurrently(
            model_name="case",
            index=models.Index(
                fields=["closed_at"], condition=Q(closed_at__isnull=False), name="case_closed_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="case",
            index=models.Index(
                fields=["reported_by", "created_at"], name="case_reporter_created_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="caseevent",
            index=models.Index(fields=["actor", "created_at"], name="caseevent_actor_at_idx"),
        ),
        AddIndexConcurrently(
            model_name="visit",
            index=models.Index(fields=["volunteer", "visited_on"], name="visit_volunteer_day_idx"),
        ),
    ]
