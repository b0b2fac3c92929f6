"""The benchmark runner: seed (or reuse) the databases, then measure M1-M9."""

from __future__ import annotations

import argparse
import os
import secrets
import sys


def _environment(scale_url: str) -> None:
    """Production settings for this process and every server it starts."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DATABASE_URL"] = scale_url
    os.environ["DEBUG"] = "False"
    os.environ.pop("PSM_TESTING", None)
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["SECURE_SSL_REDIRECT"] = "False"
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1"
    # The seeded supervisor has no TOTP device; M1 measures the dashboard, not the second
    # factor (for a verified supervisor the middleware is one attribute check).
    os.environ["REQUIRE_2FA"] = "False"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ.setdefault("REQUIRE_2FA", "False")  # the bench logs in supervisors without TOTP
    # M6 posts as ONE volunteer what hundreds would send; the per-user limits (intake 20/min)
    # would answer 429 to nearly all of it. Capacity is measured with the limits off.
    os.environ["RATELIMIT_ENABLE"] = "False"
    # Encryption keys of the invented bench data: fixed (derived from a bench-only label) so a
    # database seeded once stays readable on every later run; a real environment overrides.
    from psm.crypto import derive_key

    os.environ.setdefault("FIELD_ENCRYPTION_KEYS", derive_key("psm-bench", "field-encryption"))
    os.environ.setdefault("NIK_HASH_KEY", derive_key("psm-bench", "nik-hash"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("command", nargs="?", default="run", choices=["run", "seed", "field"])
    parser.add_argument("--scale", type=int, default=1_000_000)
    parser.add_argument("--small-scale", type=int, default=10_000, help="M3's reference size")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--explain", action="store_true", help="write EXPLAIN plans")
    parser.add_argument("--only", default="", help="comma-separated metrics, e.g. M1,M4")
    args = parser.parse_args(argv)

    from bench import db

    if args.command == "field":  # the field app on emulated 3G (bench/field.py): no seed
        _environment(db.bench_url("psm_bench_field"))
        import django

        django.setup()
        from bench.field import run_field

        return run_field()
    main_url = os.environ.get("BENCH_DATABASE_URL") or db.bench_url(db.main_name(args.scale))
    small_url = db.bench_url(db.main_name(args.small_scale))
    _environment(main_url)
    import django

    django.setup()
    from bench.prepare import prepare

    seeds = {"main": prepare(main_url, args.scale)}
    if args.command == "seed":
        return 0
    if not args.only or "M3" in args.only or "M9" in args.only:
        seeds["small"] = prepare(small_url, args.small_scale)
    from bench.metrics import run_all

    return run_all(args, seeds=seeds, main_url=main_url, small_url=small_url)


if __name__ == "__main__":
    sys.exit(main())
