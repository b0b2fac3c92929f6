"""`bench seed`: an invented city office of SCALE cases, loaded with COPY.

Shape (per issue 7): ~0.6*SCALE beneficiaries (one in ten without NIK), the 52 kelurahan of
the data migration, 500 volunteers, 50 staff, 5 supervisors, ~3 events and ~1 visit per case,
cases over five years with more in recent years; ~95% finished (closed, resolved, rejected,
referred), ~5% open, the older untriaged ones overdue. Priorities and categories are weighted.

Rows are generated in Python (a fixed random seed, so runs are comparable) and streamed with
psycopg's `cursor.copy` in text format. Secondary indexes of the big tables are dropped before
the load and rebuilt after it, triggers are skipped during the load (session_replication_role
= replica: no FK checks, the generator only makes valid references, and no django-pghistory
audit rows for the seed), then sequences are moved past the data and the database is
VACUUM ANALYZEd. NIKs are written encrypted (psm.crypto, Fernet) with their keyed hash, as
the app would write them.
"""

from __future__ import annotations

import datetime as dt
import importlib
import random
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import psycopg

from bench.db import connect
from psm import crypto

SEED_VERSION = "2"  # 2: NIK encrypted with its keyed hash
YEARS = 5
N_VOLUNTEERS = 500
N_STAFF = 50
N_SUPERVISORS = 5
UTC = dt.UTC
WITA = dt.timezone(dt.timedelta(hours=8))

# Final status -> share in percent (sums to 100): ~5% open.
STATUSES = [
    ("closed", 62.0),
    ("resolved", 13.0),
    ("rejected", 11.0),
    ("referred", 9.0),
    ("in_progress", 1.7),
    ("assigned", 1.3),
    ("verified", 0.8),
    ("new", 1.2),
]
PRIORITY_MIX = [("emergency", 3), ("high", 20), ("normal", 60), ("low", 17)]
BIG_TABLES = ("cases_case", "cases_caseevent", "cases_visit", "cases_beneficiary")
DESCRIPTIONS = [
    "Lansia tinggal sendiri, perlu bantuan makanan dan pendampingan.",
    "Rumah tidak layak huni, atap bocor dan dinding lapuk.",
    "Anak putus sekolah, orang tua bekerja serabutan.",
    "Penyandang disabilitas fisik belum menerima alat bantu.",
    "Keluarga belum terdaftar DTSEN, perlu pendataan ulang.",
    "Korban kebakaran, kehilangan tempat tinggal.",
    "Ibu hamil dari keluarga miskin belum punya BPJS.",
    "Gelandangan di sekitar pasar, perlu penjangkauan.",
    "Korban banjir, perabot rusak.",
    "Lansia terlantar, tidak ada keluarga yang merawat.",
]
FINDINGS = [
    "Kondisi rumah kurang layak, atap bocor.",
    "Lansia tinggal sendiri, kebutuhan makan dibantu tetangga.",
    "Keluarga belum terdaftar DTSEN, perlu pendataan.",
    "Penerima sudah mendapat bantuan sembako.",
    "Perlu rujukan ke puskesmas terdekat.",
]
PARTNERS = ["Dukcapil", "BPJS Kesehatan", "Puskesmas", "Baznas", "Rumah singgah"]


def ts(t: float) -> str:
    return dt.datetime.fromtimestamp(int(t), UTC).isoformat(sep=" ")


def day(t: float) -> str:
    return dt.datetime.fromtimestamp(t, WITA).date().isoformat()


def add_working_days(t: float, days: int) -> float:
    d = dt.datetime.fromtimestamp(t, WITA)
    while days:
        d += dt.timedelta(days=1)
        if d.weekday() < 5:
            days -= 1
    return d.timestamp()


@dataclass
class World:
    kelurahan: list[tuple[int, int]]  # (id, kecamatan index 1..n)
    kel_weights: list[float]
    categories: list[tuple[int, str]]  # (id, default priority)
    cat_weights: list[float]
    volunteers_by_kel: dict[int, list[int]]  # kelurahan id -> user ids
    volunteers: list[int]
    staff: list[int]
    supervisors: list[int]


class Names:
    def __init__(self, rng: random.Random) -> None:
        from faker import Faker

        fake = Faker("id_ID")
        fake.seed_instance(rng.randint(0, 10**9))
        self.male = sorted({fake.first_name_male() for _ in range(3000)})
        self.female = sorted({fake.first_name_female() for _ in range(3000)})
        self.last = sorted({fake.last_name() for _ in range(3000)})
        self.streets = sorted({fake.street_name() for _ in range(3000)})
        self.rng = rng

    def person(self, sex: str) -> str:
        first = self.rng.choice(self.female if sex == "F" else self.male)
        return f"{first} {self.rng.choice(self.last)}"

    def address(self) -> str:
        return f"Jl. {self.rng.choice(self.streets)} No. {self.rng.randint(1, 200)}"


class Copier:
    """Buffer text-format COPY lines and send them in large chunks, each table on its own
    connection (one connection runs one COPY at a time; several let PostgreSQL ingest the
    tables in parallel while Python generates)."""

    def __init__(self, url: str, table: str, columns: str) -> None:
        self.conn = connect(url)
        # No triggers: neither FK checks nor django-pghistory's audit rows for seeded data.
        self.conn.execute("SET session_replication_role = replica")
        # A blank CharField added later (cases' content_hash, by the field outbox) is NOT NULL
        # without a database default, so a COPY that does not name it fails on row 1: every
        # such text column this seed does not write gets "", as Django would store.
        listed = {c.strip() for c in columns.split(",")}
        self.blank = [
            name
            for (name,) in self.conn.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
                " AND is_nullable = 'NO' AND column_default IS NULL"
                " AND data_type IN ('character varying', 'text') ORDER BY ordinal_position",
                [table],
            ).fetchall()
            if name not in listed
        ]
        columns = ", ".join([columns, *self.blank])
        self.ctx = self.conn.cursor().copy(f"COPY {table} ({columns}) FROM STDIN")
        self.copy = self.ctx.__enter__()
        self.buf: list[str] = []
        self.rows = 0

    def row(self, *values: object) -> None:
        cells = ["\\N" if v is None else str(v) for v in values]
        self.buf.append("\t".join([*cells, *([""] * len(self.blank))]))
        self.rows += 1
        if len(self.buf) >= 20000:
            self.flush()

    def flush(self) -> None:
        if self.buf:
            self.copy.write("\n".join(self.buf) + "\n")
            self.buf = []

    def close(self) -> None:
        self.flush()
        self.ctx.__exit__(None, None, None)
        self.conn.commit()
        self.conn.close()


def _world(url: str, cur: psycopg.Cursor, rng: random.Random, names: Names, now: float) -> World:
    from cases.demo import CATEGORY_WEIGHTS

    rows = cur.execute(
        "SELECT k.id, c.code FROM volunteers_kelurahan k"
        " JOIN volunteers_kecamatan c ON c.id = k.kecamatan_id ORDER BY k.id"
    ).fetchall()
    kec_index = {code: i + 1 for i, code in enumerate(sorted({c for _k, c in rows}))}
    kelurahan = [(k, kec_index[c]) for k, c in rows]
    cats = cur.execute(
        "SELECT id, code, default_priority FROM cases_category WHERE is_active ORDER BY code"
    ).fetchall()
    categories = [(i, p) for i, _c, p in cats]
    cat_weights = [float(CATEGORY_WEIGHTS.get(c, 1)) for _i, c, _p in cats]

    users = Copier(
        url,
        "accounts_user",
        "id, password, is_superuser, username, first_name, last_name, email, is_staff,"
        " is_active, date_joined, role, full_name, phone",
    )
    vols = Copier(
        url,
        "volunteers_volunteer",
        "id, status, appointed_on, created_at, kelurahan_id, user_id, address, nik, nik_hash,"
        " whatsapp, sk_number, skills, status_reason, updated_at",
    )
    uid = 0
    joined = ts(now - YEARS * 365 * 86400)

    def user(username: str, role: str, active: bool = True) -> int:
        nonlocal uid
        uid += 1
        sex = rng.choice("MF")
        users.row(
            uid,
            f"!bench{rng.getrandbits(64):x}",  # unusable password: nobody logs in with it
            "t" if role == "admin" else "f",
            username,
            "",
            "",
            "",
            "t" if role == "admin" else "f",
            "t" if active else "f",
            joined,
            role,
            names.person(sex),
            "",
        )
        return uid

    user("bench_admin", "admin")
    staff = [user(f"bench_staff_{i:02d}", "staff") for i in range(1, N_STAFF + 1)]
    supervisors = [user(f"bench_kabid_{i}", "supervisor") for i in range(1, N_SUPERVISORS + 1)]
    volunteers: list[int] = []
    by_kel: dict[int, list[int]] = {}
    for i in range(N_VOLUNTEERS):
        kel_id = kelurahan[i % len(kelurahan)][0]
        r = rng.random()
        status = "active" if r < 0.95 else ("inactive" if r < 0.98 else "suspended")
        u = user(f"bench_relawan_{i + 1:03d}", "volunteer", active=status != "suspended")
        # An invented NIK (unique by its serial) and WhatsApp number, encrypted as the app does.
        nik = f"637101{1 + i % 28:02d}{1 + i % 12:02d}80{i + 1:04d}"
        whatsapp = f"+62812{rng.randrange(10**7):07d}"
        vols.row(
            i + 1,
            status,
            day(now - rng.randint(30, YEARS * 365) * 86400),
            joined,
            kel_id,
            u,
            names.address(),
            crypto.encrypt(nik),
            crypto.nik_hash(nik),
            crypto.encrypt(whatsapp),
            "",
            "",
            "",
            joined,
        )
        volunteers.append(u)
        by_kel.setdefault(kel_id, []).append(u)
    users.close()
    vols.close()
    kel_weights = [rng.uniform(0.3, 3.0) for _ in kelurahan]
    return World(
        kelurahan,
        kel_weights,
        categories,
        cat_weights,
        by_kel,
        volunteers,
        staff,
        supervisors,
    )


def _beneficiaries(
    url: str, world: World, rng: random.Random, names: Names, n: int, now: float
) -> list[int]:
    """Write n people; return each one's kelurahan id (index = id - 1)."""
    out = Copier(
        url,
        "cases_beneficiary",
        "id, nik, nik_hash, kk_number, name, birth_date, sex, address, rt, rw, phone,"
        " needs_dukcapil_referral, created_at, updated_at, kelurahan_id",
    )
    serials: dict[str, int] = {}
    kel_of: list[int] = []
    kels = rng.choices(world.kelurahan, weights=world.kel_weights, k=n)
    today = dt.date.today()
    created = ts(now - YEARS * 365 * 86400)
    for i in range(n):
        kel_id, kec = kels[i]
        kel_of.append(kel_id)
        sex = "F" if rng.random() < 0.55 else "M"
        birth = today - dt.timedelta(days=rng.randint(365, 90 * 365))
        nik = None
        if rng.random() >= 0.1:
            dd = birth.day + (40 if sex == "F" else 0)
            head = f"6371{kec:02d}{dd:02d}{birth.month:02d}{birth.year % 100:02d}"
            serial = serials.get(head, 0) + 1
            serials[head] = serial
            nik = f"{head}{serial:04d}"  # same layout as psm.nik.generate_nik
        out.row(
            i + 1,
            crypto.encrypt(nik) if nik else None,
            crypto.nik_hash(nik),
            f"6371{rng.randrange(10**12):012d}",
            names.person(sex),
            birth.isoformat(),
            sex,
            names.address(),
            f"{rng.randint(1, 40):03d}",
            f"{rng.randint(1, 12):03d}",
            "",
            "f" if nik else "t",
            created,
            created,
            kel_id,
        )
    out.close()
    return kel_of


def _case_times(rng: random.Random, n: int, now: float) -> Iterator[tuple[float, str]]:
    """(created_at, final status) for n cases, oldest first."""
    span = YEARS * 365 * 86400
    statuses = [s for s, _w in STATUSES]
    weights = [w for _s, w in STATUSES]
    out = []
    for status in rng.choices(statuses, weights=weights, k=n):
        u = rng.random()
        if status == "new":
            # Mostly this week; the older ones are the overdue backlog.
            age = rng.uniform(0, 3) if u < 0.7 else rng.uniform(3, 120)
            age *= 86400
        elif status == "verified":
            age = rng.uniform(0, 30) * 86400
        elif status in ("assigned", "in_progress"):
            age = (rng.uniform(2, 180) if u < 0.9 else rng.uniform(180, 720)) * 86400
        else:
            # Finished work: more cases in recent years (the office grows), none from today.
            age = 3 * 86400 + (span - 3 * 86400) * (u**1.4)
        out.append((now - age, status))
    out.sort()
    return iter(out)


def _cases(
    url: str,
    cur: psycopg.Cursor,
    world: World,
    rng: random.Random,
    names: Names,
    n: int,
    kel_of: list[int],
    now: float,
) -> None:
    cases = Copier(
        url,
        "cases_case",
        "id, reference, address, rt, rw, description, status, priority, created_at, updated_at,"
        " due_at, verified_at, first_response_at, resolved_at, closed_at, last_event_at,"
        " latitude, longitude, rejection_reason, referral_partner, resolution_note,"
        " idempotency_key, assignee_id, beneficiary_id, category_id, kelurahan_id,"
        " reported_by_id",
    )
    events = Copier(
        url,
        "cases_caseevent",
        "id, kind, created_at, from_status, to_status, note, data, actor_id, case_id",
    )
    visits = Copier(
        url,
        "cases_visit",
        "id, visited_on, findings, next_visit_on, created_at, case_id, volunteer_id",
    )
    n_ben = len(kel_of)
    people = list(range(1, n_ben + 1))
    rng.shuffle(people)
    cats = rng.choices(world.categories, weights=world.cat_weights, k=n)
    prio_values = [p for p, _w in PRIORITY_MIX]
    prio_weights = [w for _p, w in PRIORITY_MIX]
    year_counter: dict[int, int] = {}
    event_id = 0
    visit_id = 0
    today = dt.datetime.fromtimestamp(now, WITA).date()
    for i, (created, status) in enumerate(_case_times(rng, n, now)):
        case_id = i + 1
        ben = people[i] if i < n_ben else rng.randint(1, n_ben)
        kel_id = kel_of[ben - 1]
        cat_id, default_prio = cats[i]
        prio = default_prio if rng.random() < 0.6 else rng.choices(prio_values, prio_weights)[0]
        local_vols = world.volunteers_by_kel.get(kel_id) or world.volunteers
        reporter = rng.choice(local_vols) if rng.random() < 0.8 else rng.choice(world.staff)
        officer = rng.choice(world.staff)
        due = created + 45 * 60 if prio == "emergency" else add_working_days(created, 3)

        # The timeline: first response (on time ~85%), assignment, work, closure.
        timeline: list[tuple[str, float, str, str, int]] = [
            ("created", created, "", "new", reporter)
        ]
        verified_at = first_response = resolved_at = closed_at = None
        assignee = None
        partner = reason = note = ""
        t = created
        if status != "new":
            t = created + (due - created) * rng.uniform(0.05, 1.2)
            first_response = t
            if status == "rejected":
                timeline.append(("transition", t, "new", "rejected", officer))
                reason = "Data tidak lengkap / bukan warga Banjarmasin"
            else:
                verified_at = t
                if status == "verified":
                    timeline.append(("transition", t, "new", "verified", officer))
                else:
                    assignee = (
                        rng.choice(local_vols) if rng.random() < 0.85 else rng.choice(world.staff)
                    )
                    t += rng.uniform(1800, 3 * 86400)
                    timeline.append(("assignment", t, "verified", "assigned", officer))
                    if status == "referred":
                        t += rng.uniform(86400, 20 * 86400)
                        partner = rng.choice(PARTNERS)
                        timeline.append(("transition", t, "assigned", "referred", officer))
                    elif status == "in_progress":
                        t += rng.uniform(3600, 5 * 86400)
                        timeline.append(("transition", t, "assigned", "in_progress", assignee))
                    elif status in ("resolved", "closed"):
                        t += rng.uniform(86400, 60 * 86400)
                        resolved_at = t
                        note = "Bantuan telah disalurkan."
                        timeline.append(("transition", t, "in_progress", "resolved", assignee))
                        if status == "closed":
                            t += rng.uniform(3600, 14 * 86400)
                            closed_at = t
                            sup = rng.choice(world.supervisors)
                            timeline.append(("transition", t, "resolved", "closed", sup))
        shift = max(0.0, t - (now - 60))
        if shift:
            # A finished timeline must lie in the past: move the whole case back.
            created -= shift
            due -= shift
            timeline = [(k, at - shift, f, to, a) for k, at, f, to, a in timeline]
            verified_at = verified_at - shift if verified_at else None
            first_response = first_response - shift if first_response else None
            resolved_at = resolved_at - shift if resolved_at else None
            closed_at = closed_at - shift if closed_at else None
        year = dt.datetime.fromtimestamp(created, WITA).year
        number = year_counter.get(year, 0) + 1
        year_counter[year] = number
        last = timeline[-1][1]
        for kind, at, f, to, actor in timeline:
            event_id += 1
            data = "{}" if kind != "assignment" else f'{{"assignee_id": {assignee}}}'
            events.row(event_id, kind, ts(at), f, to, "", data, actor, case_id)
        if assignee and status in ("in_progress", "resolved", "closed", "referred"):
            for k in range(2 if rng.random() < 0.15 else 1):
                visit_id += 1
                start = timeline[1][1] if len(timeline) > 1 else created
                visited = start + rng.uniform(3600, 10 * 86400) * (k + 1)
                visited = min(visited, now - 60)
                if status == "in_progress":
                    nxt = (today + dt.timedelta(days=rng.randint(0, 14))).isoformat()
                else:
                    nxt = None
                visits.row(
                    visit_id,
                    day(visited),
                    rng.choice(FINDINGS),
                    nxt,
                    ts(visited),
                    case_id,
                    assignee,
                )
                last = max(last, visited)
        has_geo = rng.random() < 0.6
        cases.row(
            case_id,
            f"BJM-{year}-{number:06d}",
            names.address(),
            f"{rng.randint(1, 40):03d}",
            f"{rng.randint(1, 12):03d}",
            rng.choice(DESCRIPTIONS),
            status,
            prio,
            ts(created),
            ts(last),
            ts(due),
            ts(verified_at) if verified_at else None,
            ts(first_response) if first_response else None,
            ts(resolved_at) if resolved_at else None,
            ts(closed_at) if closed_at else None,
            ts(last),
            f"{-3.32 + rng.uniform(-0.05, 0.05):.6f}" if has_geo else None,
            f"{114.59 + rng.uniform(-0.05, 0.05):.6f}" if has_geo else None,
            reason,
            partner,
            note,
            uuid.UUID(int=rng.getrandbits(128), version=4),
            assignee,
            ben,
            cat_id,
            kel_id,
            reporter,
        )
    for c in (cases, events, visits):
        c.close()
    for year, number in year_counter.items():
        seq = f"cases_reference_{int(year)}"
        cur.execute(f"CREATE SEQUENCE IF NOT EXISTS {seq}")
        cur.execute("SELECT setval(%s, %s)", [seq, number])


def _secondary_indexes(cur: psycopg.Cursor) -> list[tuple[str, str]]:
    """Indexes of the big tables that back no constraint: dropped for the load."""
    return cur.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           JOIN pg_class c ON c.relname = i.indexname
           WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
             AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = c.oid)""",
        [list(BIG_TABLES)],
    ).fetchall()


def seed(url: str, scale: int, *, seed_value: int = 20260101, log=print) -> dict[str, float]:
    """Fill an empty, migrated database. Returns timings in seconds."""
    rng = random.Random(seed_value)
    now = time.time()
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    names = Names(rng)
    with connect(url) as conn, conn.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '512MB'")
        indexes = _secondary_indexes(cur)
        for name, _def in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        conn.commit()  # release the table locks before the COPY connections start
        world = _world(url, cur, rng, names, now)
        n_ben = max(1, int(scale * 0.6))
        kel_of = _beneficiaries(url, world, rng, names, n_ben, now)
        log(f"  {n_ben:,} beneficiaries, {N_VOLUNTEERS + N_STAFF + N_SUPERVISORS + 1} users")
        _cases(url, cur, world, rng, names, scale, kel_of, now)
        timings["copy_s"] = time.perf_counter() - t0
        log(f"  {scale:,} cases with events and visits copied in {timings['copy_s']:.0f} s")
        t1 = time.perf_counter()
        for _name, definition in indexes:
            cur.execute(definition)
        # The COPY ran without triggers: build the dashboard's weekly summary in one go.
        trend = importlib.import_module("cases.migrations.0015_trend_week_triggers")
        cur.execute(trend.REBUILD)
        for table in ("accounts_user", "volunteers_volunteer", *BIG_TABLES):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"
                f" (SELECT coalesce(max(id), 1) FROM {table}))"
            )
        conn.commit()
        timings["index_s"] = time.perf_counter() - t1
        log(f"  {len(indexes)} indexes rebuilt in {timings['index_s']:.0f} s")
    t2 = time.perf_counter()
    with connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    timings["vacuum_s"] = time.perf_counter() - t2
    timings["total_s"] = time.perf_counter() - t0
    counts = {}
    with connect(url) as conn:
        for table in ("cases_case", "cases_caseevent", "cases_visit", "cases_beneficiary"):
            counts[table] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
    log(f"  VACUUM ANALYZE {timings['vacuum_s']:.0f} s; rows: {counts}")
    return timings
