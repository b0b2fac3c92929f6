"""Make sure a benchmark database exists, is migrated, and holds SCALE seeded cases."""

from __future__ import annotations

import datetime as dt
import json
import time

from bench import db, seed


def prepare(url: str, scale: int, *, log=print) -> dict[str, object]:
    """Reuse the database if a seed of this scale and generator version is in it, else drop,
    recreate, migrate and seed. Always runs `migrate` (new indexes land on a reused DB)."""
    name = db.db_name(url)
    db.ensure_database(url)
    meta = db.meta_get(url)
    if meta.get("scale") == str(scale) and meta.get("seed_version") == seed.SEED_VERSION:
        t0 = time.perf_counter()
        db.migrate(url)
        log(f"{name}: reusing the seed of {meta.get('seeded_at')} ({scale:,} cases)")
        return {
            "database": name,
            "reused": True,
            "seed_seconds": json.loads(meta.get("timings", "{}")).get("total_s"),
            "migrate_seconds": round(time.perf_counter() - t0, 1),
        }
    log(f"{name}: seeding {scale:,} cases (drop, create, migrate, COPY, VACUUM ANALYZE)")
    t0 = time.perf_counter()
    db.drop_database(url)
    db.ensure_database(url)
    db.migrate(url)
    migrate_s = time.perf_counter() - t0
    timings = seed.seed(url, scale, log=log)
    timings["migrate_s"] = migrate_s
    timings["total_s"] = time.perf_counter() - t0
    timings = {k: round(v, 1) for k, v in timings.items()}
    db.meta_set(
        url,
        {
            "scale": str(scale),
            "seed_version": seed.SEED_VERSION,
            "seeded_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "timings": json.dumps(timings),
        },
    )
    log(f"{name}: seeded in {timings['total_s']:.0f} s")
    return {"database": name, "reused": False, "seed_seconds": timings["total_s"], **timings}
