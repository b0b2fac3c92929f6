"""gunicorn under production settings, logged-in sessions, and wrk runs against it."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from bench.db import ROOT, connect

LUA = Path(__file__).with_name("wrk_report.lua")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def collectstatic(static_root: str) -> None:
    env = {**os.environ, "BENCH_STATIC_ROOT": static_root}
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )


def session_for(url: str, username: str) -> str:
    """A logged-in session for `username` written straight into that database's
    django_session (SessionStore's encoding, so the server accepts it as its own)."""
    import datetime as dt
    import secrets

    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore

    from psm.accounts.models import User

    with connect(url) as conn:
        row = conn.execute(
            "SELECT id, password FROM accounts_user WHERE username = %s", [username]
        ).fetchone()
        assert row, f"no user {username} in {url}"
        user = User(id=row[0], password=row[1])
        data = {
            "_auth_user_id": str(row[0]),
            "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
            "_auth_user_hash": user.get_session_auth_hash(),
        }
        key = secrets.token_hex(16)
        expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)
        conn.execute(
            "INSERT INTO django_session (session_key, session_data, expire_date)"
            " VALUES (%s, %s, %s)",
            [key, SessionStore().encode(data), expires],
        )
    return key


class Gunicorn:
    """`gunicorn psm.wsgi` with bench.settings on a free port, against `db_url`."""

    def __init__(self, db_url: str, static_root: str, workers: int) -> None:
        self.port = free_port()
        self.workers = workers
        self.db_url = db_url
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "DATABASE_URL": db_url, "BENCH_STATIC_ROOT": static_root}
        self.log = open(ROOT / "bench" / "results" / "gunicorn.log", "a")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                str(Path(sys.executable).with_name("gunicorn")),
                "psm.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log,
            stderr=self.log,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(self.base + "/healthz", timeout=5)  # noqa: S310
                return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError("gunicorn exited; see bench/results/gunicorn.log") from None
                time.sleep(0.3)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()

    def __enter__(self) -> Gunicorn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


@dataclass
class WrkResult:
    requests: int
    seconds: float
    errors: int
    p50_ms: float
    p95_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk(
    url: str,
    *,
    cookie: str,
    duration: int,
    connections: int,
    threads: int = 2,
    script: Path = LUA,
    headers: dict[str, str] | None = None,
) -> WrkResult:
    if not shutil.which("wrk"):
        raise RuntimeError("wrk is not installed (apt-get install wrk; make bench does it)")
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--timeout", "30s"]
    cmd += ["-s", str(script)]
    for name, value in {"Cookie": cookie, **(headers or {})}.items():
        cmd += ["-H", f"{name}: {value}"]
    out = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCHJSON "))
    d = json.loads(line.removeprefix("BENCHJSON "))
    errors = d["connect"] + d["read"] + d["write"] + d["status"] + d["timeout"]
    # wrk stops, but sync workers finish the requests in flight: let them drain so the next
    # measurement does not queue behind them.
    time.sleep(min(30.0, d["max_us"] / 1e6 + 0.5))
    return WrkResult(
        d["requests"],
        d["duration_us"] / 1e6,
        errors,
        d["p50_us"] / 1000,
        d["p95_us"] / 1000,
        d["p99_us"] / 1000,
    )
