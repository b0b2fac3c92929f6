"""Demo data for `make run`: accounts of every role, volunteers in every kecamatan, cases.

Idempotent: a second run finds what the first made and adds nothing. Names and NIKs are
invented (faker id_ID and psm.nik.generate_nik); no real person is ever in demo data.
Passwords are generated once, kept in .data/demo_passwords.json (not in git) and printed.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path
from typing import Any

import pghistory
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from faker import Faker

from psm.accounts.models import User
from psm.accounts.services import user_create
from volunteers.models import Kecamatan, Volunteer
from volunteers.services import volunteer_create

VOLUNTEERS_PER_KECAMATAN = 3
PASSWORD_FILE = Path(settings.BASE_DIR) / ".data" / "demo_passwords.json"
DEMO_ACCOUNTS = [
    ("admin", User.Role.ADMIN),
    ("kabid", User.Role.SUPERVISOR),
    ("petugas", User.Role.STAFF),
    ("petugas2", User.Role.STAFF),
]


def demo_passwords() -> dict[str, str]:
    """One password per role, stable across runs (env PSM_DEMO_PASSWORD overrides)."""
    if settings.PSM_DEMO_PASSWORD:
        return {role: settings.PSM_DEMO_PASSWORD for role in User.Role.values}
    if PASSWORD_FILE.exists():
        return json.loads(PASSWORD_FILE.read_text())
    passwords = {role: f"{role}-{secrets.token_urlsafe(6)}" for role in User.Role.values}
    PASSWORD_FILE.parent.mkdir(parents=True, exist_ok=True)
    PASSWORD_FILE.write_text(json.dumps(passwords, indent=2))
    PASSWORD_FILE.chmod(0o600)
    return passwords


class Command(BaseCommand):
    help = "Create demo accounts and volunteers (idempotent). Demo only: refuses DEBUG=False."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--cases",
            type=int,
            default=0,
            help="Make sure at least N cases exist (a realistic spread over states and areas).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG=False (never on a real deployment).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        with pghistory.context(command="seed_demo"):  # named in the audit trail
            self._seed(**options)

    def _seed(self, **options: Any) -> None:
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "seed_demo creates accounts with printed passwords; "
                "it runs only with DEBUG=True (or --force)."
            )
        passwords = demo_passwords()
        fake = Faker("id_ID")
        fake.seed_instance(2026)
        with transaction.atomic():
            created = self._accounts(fake, passwords)
            created += self._volunteers(fake, passwords)
        added = 0
        if options["cases"]:
            from cases.demo import seed_cases

            added = seed_cases(options["cases"])
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready ({created} new accounts, {added} new cases).")
        )
        self.stdout.write("Demo logins (demo only):")
        first_volunteer = User.objects.filter(role=User.Role.VOLUNTEER).order_by("username").first()
        rows = [*DEMO_ACCOUNTS]
        if first_volunteer:
            rows.insert(0, (first_volunteer.username, User.Role.VOLUNTEER))
        for username, role in rows:
            self.stdout.write(f"  {role:<11} {username:<12} {passwords[role]}")
        self.stdout.write(f"  (every volunteer relawanNN uses the {User.Role.VOLUNTEER} password)")

    def _accounts(self, fake: Faker, passwords: dict[str, str]) -> int:
        created = 0
        for username, role in DEMO_ACCOUNTS:
            if User.objects.filter(username=username).exists():
                continue
            user_create(
                username=username,
                role=role,
                full_name=fake.name(),
                email=f"{username}@demo.invalid",
                password=passwords[role],
            )
            created += 1
        return created

    def _volunteers(self, fake: Faker, passwords: dict[str, str]) -> int:
        created = 0
        n = 0
        for kecamatan in Kecamatan.objects.prefetch_related("kelurahan_set").order_by("code"):
            kelurahan = list(kecamatan.kelurahan_set.order_by("name"))
            for i in range(VOLUNTEERS_PER_KECAMATAN):
                n += 1
                username = f"relawan{n:02d}"
                name = fake.name()  # drawn even when skipped, so names stay stable
                if User.objects.filter(username=username).exists():
                    continue
                user = user_create(
                    username=username,
                    role=User.Role.VOLUNTEER,
                    full_name=name,
                    email=f"{username}@demo.invalid",
                    phone=f"+62812{fake.numerify('#######')}",
                    password=passwords[User.Role.VOLUNTEER],
                )
                volunteer_create(
                    user=user,
                    kelurahan=kelurahan[i % len(kelurahan)],
                    status=Volunteer.Status.ACTIVE,
                    appointed_on=fake.date_between("-5y", "-1m"),
                )
                created += 1
        return created
