"""`manage.py purge_attachments [--days N] [--dry-run]`: the retention policy, one run.

Run it daily (cron or a beat schedule). Safe to repeat: purged files are not counted again.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.template.defaultfilters import filesizeformat

from cases.services.retention import attachments_purge


class Command(BaseCommand):
    help = "Delete the files of cases closed longer ago than ATTACHMENT_RETENTION_DAYS."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="days since the case's last activity (default: ATTACHMENT_RETENTION_DAYS)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="only count what would be deleted"
        )

    def handle(self, *args: Any, days: int | None, dry_run: bool, **options: Any) -> None:
        days = settings.ATTACHMENT_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be at least 1")
        result = attachments_purge(days=days, dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {result.files} file(s) ({filesizeformat(result.bytes)}) "
            f"of {result.cases} closed case(s) inactive for more than {days} days."
        )
