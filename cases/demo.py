"""Demo cases for `seed_demo --cases N`: a realistic office, made through the services.

Every case is filed, triaged, assigned and worked through the same service functions the
app uses, so its timeline is real; afterwards its timestamps are spread back over the past
year (demo data only) so dashboards and SLA figures look like a working office: most cases
closed, about one in twenty open, some of them overdue. All people are invented.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from faker import Faker

from cases.models import OPEN_STATUSES, Beneficiary, Case, CaseEvent, Category, Priority
from cases.models.workflow import FIRST_RESPONSE_STATUSES
from cases.services import (
    beneficiary_create,
    case_assign,
    case_file,
    case_transition,
    visit_log,
)
from psm.accounts.models import User
from psm.crypto import nik_hash
from psm.nik import SEX_FEMALE, SEX_MALE, generate_nik
from volunteers.models import Kelurahan

S = Case.Status

# Final state of a demo case and how often it occurs (sums to 100).
OUTCOMES = [
    (S.CLOSED, 58),
    (S.RESOLVED, 9),
    (S.REJECTED, 7),
    (S.REFERRED, 6),
    (S.IN_PROGRESS, 7),
    (S.ASSIGNED, 5),
    (S.VERIFIED, 3),
    (S.NEW, 5),
]
# How common each category is in the office's intake (default weight 1).
CATEGORY_WEIGHTS = {
    "PPKS-24": 14,
    "PPKS-08": 12,
    "RTLH": 10,
    "PPKS-09": 8,
    "PPKS-02": 4,
    "PPKS-04": 4,
    "PPKS-11": 3,
    "PPKS-12": 3,
    "PPKS-19": 3,
    "PPKS-23": 3,
    "PPKS-05": 3,
    "PPKS-21": 2,
}
PARTNERS = [
    "Dukcapil",
    "BPJS Kesehatan",
    "Puskesmas",
    "Satpol PP",
    "Baznas",
    "Dinas Perumahan (bedah rumah)",
    "Rumah singgah",
]
FINDINGS = [
    "Kondisi rumah kurang layak, atap bocor.",
    "Lansia tinggal sendiri, kebutuhan makan dibantu tetangga.",
    "Keluarga belum terdaftar DTSEN, perlu pendataan.",
    "Anak tidak bersekolah, orang tua bekerja serabutan.",
    "Penerima sudah mendapat bantuan sembako.",
]


@dataclass
class DemoPeople:
    volunteers: list[User]
    officers: list[User]
    supervisor: User


def _people() -> DemoPeople:
    volunteers = list(
        User.objects.filter(role=User.Role.VOLUNTEER, volunteer__isnull=False)
        .select_related("volunteer__kelurahan")
        .order_by("username")
    )
    officers = list(User.objects.filter(role=User.Role.STAFF).order_by("username"))
    supervisor = User.objects.filter(role=User.Role.SUPERVISOR).order_by("username").first()
    if not volunteers or not officers or supervisor is None:
        raise RuntimeError("seed_demo creates the accounts first; no volunteers/staff found")
    return DemoPeople(volunteers, officers, supervisor)


def _person(fake: Faker, rng: random.Random, kelurahan: Kelurahan) -> Beneficiary:
    sex = rng.choice([SEX_MALE, SEX_FEMALE])
    birth = fake.date_of_birth(minimum_age=1, maximum_age=90)
    nik = None
    if rng.random() > 0.1:  # about one in ten has no NIK: Dukcapil referral
        for _ in range(20):
            candidate = generate_nik(birth_date=birth, sex=sex, rng=rng)
            if not Beneficiary.objects.filter(nik_hash=nik_hash(candidate)).exists():
                nik = candidate
                break
    name = fake.name_female() if sex == SEX_FEMALE else fake.name_male()
    return beneficiary_create(
        name=name,
        kelurahan=kelurahan,
        created_by=None,
        nik=nik,
        birth_date=birth,
        sex=sex,
        address=fake.street_address(),
        rt=f"{rng.randint(1, 40):03d}",
        rw=f"{rng.randint(1, 12):03d}",
    )


def _work(case: Case, outcome: str, people: DemoPeople, rng: random.Random) -> None:
    officer = rng.choice(people.officers)
    if outcome == S.NEW:
        return
    if outcome == S.REJECTED:
        case_transition(
            case=case,
            to_status=S.REJECTED,
            actor=officer,
            reason="Data tidak lengkap / bukan warga Banjarmasin",
        )
        return
    case_transition(case=case, to_status=S.VERIFIED, actor=officer)
    if outcome == S.VERIFIED:
        return
    same_area = [v for v in people.volunteers if v.volunteer.kelurahan_id == case.kelurahan_id]
    assignee = rng.choice(same_area or people.volunteers)
    case_assign(case=case, assignee=assignee, actor=officer)
    if outcome == S.REFERRED:
        case_transition(
            case=case, to_status=S.REFERRED, actor=officer, partner=rng.choice(PARTNERS)
        )
        return
    if outcome == S.ASSIGNED:
        return
    case_transition(case=case, to_status=S.IN_PROGRESS, actor=assignee)
    visit_log(
        case=case,
        actor=assignee,
        visited_on=timezone.localdate(),
        findings=rng.choice(FINDINGS),
        next_visit_on=timezone.localdate() + dt.timedelta(days=rng.randint(1, 14)),
    )
    if outcome == S.IN_PROGRESS:
        return
    case_transition(
        case=case, to_status=S.RESOLVED, actor=assignee, note="Bantuan telah disalurkan."
    )
    if outcome == S.CLOSED:
        case_transition(
            case=case,
            to_status=S.CLOSED,
            actor=people.supervisor,
            note="Selesai sesuai laporan relawan.",
        )


def _backdate(case: Case, filed: dt.datetime, rng: random.Random) -> None:
    """Spread the timeline after `filed` (demo only): events hours or days apart."""
    now = timezone.now()
    events = list(case.events.order_by("created_at", "id"))
    moment = filed
    stamps = []
    for i, event in enumerate(events):
        if i:
            step = dt.timedelta(minutes=rng.randint(20, 60 * 24 * 4))
            moment = min(moment + step, now - dt.timedelta(minutes=len(events) - i))
        stamps.append(moment)
        CaseEvent.objects.filter(pk=event.pk).update(created_at=moment)
    fields: dict[str, dt.datetime | None] = {
        "created_at": filed,
        "last_event_at": stamps[-1] if stamps else filed,
    }
    by_status = {e.to_status: s for e, s in zip(events, stamps, strict=True) if e.to_status}
    first = [
        s for e, s in zip(events, stamps, strict=True) if e.to_status in FIRST_RESPONSE_STATUSES
    ]
    fields["first_response_at"] = first[0] if first else None
    for status, column in (
        (S.VERIFIED, "verified_at"),
        (S.RESOLVED, "resolved_at"),
        (S.CLOSED, "closed_at"),
    ):
        if case.__dict__.get(column) is not None and status in by_status:
            fields[column] = by_status[status]
    from cases.sla import due_fields

    fields.update(due_fields(filed, case.priority, case.category_id))
    Case.objects.filter(pk=case.pk).update(**fields)


def seed_cases(target: int, *, seed: int = 2026) -> int:
    """Make sure at least `target` demo cases exist; returns how many were added."""
    from cases.sla import sla_cache

    with sla_cache():  # the SLA policies are read once, not per case
        return _seed_cases(target, seed=seed)


def _seed_cases(target: int, *, seed: int) -> int:
    existing = Case.objects.count()
    missing = max(0, target - existing)
    if not missing:
        return 0
    rng = random.Random(seed + existing)  # noqa: S311  # nosec B311 - demo data only
    fake = Faker("id_ID")
    fake.seed_instance(seed + existing)
    people = _people()
    categories = list(Category.objects.filter(is_active=True))
    weights = [CATEGORY_WEIGHTS.get(c.code, 1) for c in categories]
    kelurahan = list(Kelurahan.objects.all())
    outcomes, outcome_weights = zip(*OUTCOMES, strict=True)
    now = timezone.now()
    for _ in range(missing):
        outcome = rng.choices(outcomes, outcome_weights)[0]
        # Open cases are recent; closed ones spread over the year.
        days_back = rng.uniform(0, 20) if outcome in OPEN_STATUSES else rng.uniform(5, 365)
        filed = now - dt.timedelta(days=days_back)
        volunteer = rng.choice(people.volunteers)
        area = volunteer.volunteer.kelurahan if rng.random() < 0.8 else rng.choice(kelurahan)
        category = rng.choices(categories, weights)[0]
        priority = category.default_priority
        if rng.random() < 0.04:
            priority = Priority.EMERGENCY
        with transaction.atomic():
            person = _person(fake, rng, area)
            case = case_file(
                reported_by=volunteer,
                beneficiary=person,
                category=category,
                kelurahan=area,
                address=person.address,
                rt=person.rt,
                rw=person.rw,
                priority=priority,
                description=fake.paragraph(nb_sentences=2),
                created_at=filed,
            )
            _work(case, outcome, people, rng)
            case.refresh_from_db()
            _backdate(case, filed, rng)
    return missing
