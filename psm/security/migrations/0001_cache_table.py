"""The database cache table (rate limits when no Redis is configured).

Created here rather than by a separate `createcachetable` step so that `migrate` alone
leaves every deployment ready, whatever CACHES says at that moment.
"""

import io

from django.core.management.base import OutputWrapper
from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "psm_cache"


def create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0
    command.stdout = OutputWrapper(io.StringIO())  # quiet when the table already exists
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []
    operations = [migrations.RunPython(create, drop)]
