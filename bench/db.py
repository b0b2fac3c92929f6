"""The benchmark databases: derived from DATABASE_URL, created, migrated, tagged with a meta row.

`bench_url("psm_bench")` swaps the database name in DATABASE_URL (BENCH_DATABASE_URL, if
set, names the main database instead). A small `bench_meta` table remembers the scale and
generator version that seeded a database, so a rerun at that scale reuses it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parent.parent


def base_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url:
        env_file = ROOT / ".env"
        if env_file.exists():
            for line in env_file.read_text().splitlines():
                if line.startswith("DATABASE_URL="):
                    url = line.split("=", 1)[1].strip()
    if not url:
        raise SystemExit(
            "bench: set DATABASE_URL (or BENCH_DATABASE_URL), or run it through make bench"
        )
    return url


def main_name(scale: int) -> str:
    """psm_bench for the full million; psm_bench_100k etc. for other scales, so a quick run
    and the full run keep their seeds side by side (and both skip seeding next time).
    BENCH_DB_PREFIX replaces "psm_bench", so two people benchmarking on one PostgreSQL
    (BENCH_DB_PREFIX=psm_bench_alice) do not reseed or load each other's databases."""
    prefix = os.environ.get("BENCH_DB_PREFIX") or "psm_bench"
    if scale == 1_000_000:
        return prefix
    return f"{prefix}_{scale // 1000}k" if scale % 1000 == 0 else f"{prefix}_{scale}"


def bench_url(name: str) -> str:
    """DATABASE_URL with its database name replaced by `name`."""
    parts = urlsplit(base_url())
    return urlunsplit(parts._replace(path="/" + name))


def libpq(url: str) -> str:
    """psycopg wants postgresql:// or postgres:// URLs; django-environ accepts more schemes."""
    parts = urlsplit(url)
    scheme = "postgresql" if parts.scheme.startswith("postgres") else parts.scheme
    return urlunsplit(parts._replace(scheme=scheme))


def db_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def connect(url: str, **kw: object) -> psycopg.Connection:
    return psycopg.connect(libpq(url), **kw)  # type: ignore[arg-type]


def ensure_database(url: str) -> None:
    name = db_name(url)
    admin = urlunsplit(urlsplit(libpq(url))._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    name = db_name(url)
    admin = urlunsplit(urlsplit(libpq(url))._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def migrate(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "PSM_TESTING": "1"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )


META_DDL = "CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text NOT NULL)"


def meta_get(url: str) -> dict[str, str]:
    with connect(url) as conn:
        conn.execute(META_DDL)
        return dict(conn.execute("SELECT key, value FROM bench_meta").fetchall())  # type: ignore[arg-type]


def meta_set(url: str, values: dict[str, str]) -> None:
    with connect(url) as conn:
        conn.execute(META_DDL)
        for key, value in values.items():
            conn.execute(
                "INSERT INTO bench_meta (key, value) VALUES (%s, %s)"
                " ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                [key, value],
            )
