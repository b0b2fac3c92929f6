"""Reminders through a REAL Celery worker and beat on a REAL Redis, to a recording SMTP sink.

The sink (aiosmtpd) dedupes nothing: it records every message it acknowledges, by the
reminder id in its Message-ID. The worker and beat are subprocesses started here and connect
to this test's database (transactional_db: the rows are committed, so they can see them).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.db.models import F

from psm.accounts.models import User
from psm.notifications.models import Notification, Reminder
from psm.notifications.services import ReminderSpec, reminders_create
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent
CELERY = str(Path(sys.executable).with_name("celery"))
SHARED_REDIS = "redis://127.0.0.1:6379/3"  # notifications' own db on the shared server

pytestmark = [pytest.mark.redis, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SinkProcess:
    """tests/smtp_sink.py in a subprocess; `ids()` reads what it has acknowledged."""

    def __init__(self, log: Path) -> None:
        self.log = log

    def ids(self) -> list[int]:
        try:
            lines = self.log.read_text().splitlines()
        except FileNotFoundError:
            return []
        return [int(line) for line in lines if line.strip()]

    def count(self) -> int:
        return len(self.ids())

    def counter(self) -> Counter[int]:
        return Counter(self.ids())


@contextlib.contextmanager
def smtp_sink(tmp_path: Path, delay: float = 0.0):
    port = free_port()
    sink = SinkProcess(tmp_path / "sink.txt")
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.smtp_sink", str(port), str(sink.log), str(delay)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield sink, port
    finally:
        proc.terminate()
        proc.wait(10)


def database_url() -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgres://{s['USER']}{password}@{s['HOST']}:{s['PORT']}/{s['NAME']}"


def worker_env(*, redis_url: str, smtp_port: int, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "psm.settings",
        "PSM_TESTING": "1",
        "DEBUG": "0",
        "DATABASE_URL": database_url(),
        "REDIS_URL": redis_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "EMAIL_TIMEOUT": "5",
        # The real clock may be at night in Banjarmasin: no quiet hours for these tests.
        "QUIET_HOURS_START": "0",
        "QUIET_HOURS_END": "0",
    }
    env.update(extra)
    return env


class Processes:
    """Worker and beat subprocesses, each in its own process group, all ended at teardown."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env = env
        self.log_dir = log_dir
        self.all: list[subprocess.Popen[bytes]] = []
        self.worker: subprocess.Popen[bytes] | None = None
        self.n = 0

    def _start(self, args: list[str], name: str) -> subprocess.Popen[bytes]:
        self.n += 1
        log = open(self.log_dir / f"{self.n:02d}-{name}.log", "wb")  # noqa: SIM115
        proc = subprocess.Popen(
            [CELERY, "-A", "psm", *args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.all.append(proc)
        return proc

    def start_worker(self) -> subprocess.Popen[bytes]:
        self.worker = self._start(
            [
                "worker",
                "-P",
                "prefork",
                "-c",
                "2",
                "-n",
                f"w{self.n}@%h",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=WARNING",
            ],
            "worker",
        )
        return self.worker

    def start_beat(self) -> subprocess.Popen[bytes]:
        return self._start(["beat", "--loglevel=WARNING"], "beat")

    def worker_children(self) -> list[int]:
        assert self.worker is not None
        path = Path(f"/proc/{self.worker.pid}/task/{self.worker.pid}/children")
        try:
            return [int(p) for p in path.read_text().split()]
        except OSError:
            return []

    def kill_worker_main(self) -> None:
        """SIGKILL the worker's main process; its orphans die with the group, as under
        systemd or a container runtime."""
        assert self.worker is not None
        self.worker.send_signal(signal.SIGKILL)
        self.worker.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.worker.pid, signal.SIGKILL)

    def stop_all(self) -> None:
        for proc in self.all:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()

    def log_count(self, text: str) -> int:
        return sum(p.read_text(errors="replace").count(text) for p in self.log_dir.glob("*.log"))

    def logs(self) -> str:
        """Each log's CRITICAL lines (a worker that exited says why there), then its end."""

        def summary(text: str) -> str:
            critical = [line for line in text.splitlines() if "CRITICAL" in line]
            return "\n".join([*critical[-10:], "[...]", text[-5000:]])

        return "\n".join(
            f"--- {p.name}\n{summary(p.read_text(errors='replace'))}"
            for p in sorted(self.log_dir.glob("*.log"))
        )


def make_due_reminders(count: int, users: int = 10) -> list[int]:
    for i in range(users):
        UserFactory(username=f"penerima{i}", email=f"penerima{i}@test.invalid")
    recipients = list(User.objects.filter(username__startswith="penerima").order_by("pk"))
    specs = [
        ReminderSpec(
            subject_key=f"case:{n}",
            kind="triage_overdue",
            occurrence="2026-03-10T09:00",
            recipient_id=recipients[n % users].pk,
            title=f"Kasus {n} belum ditriase",
            url=f"/cases/BJM-2026-{n:06d}/",
        )
        for n in range(count)
    ]
    assert reminders_create(specs=specs) == count
    return sorted(Reminder.objects.values_list("pk", flat=True))


def sent_count() -> int:
    return Reminder.objects.filter(state=Reminder.State.SENT).count()


def wait_for(predicate, timeout: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return predicate()


def shared_redis_or_fail() -> redis.Redis:
    client = redis.Redis.from_url(SHARED_REDIS, socket_connect_timeout=2)
    client.ping()  # CI starts Redis; a missing server is a failure, not a skip
    client.flushdb()  # db 3 belongs to these tests
    return client


@pytest.mark.timeout(120)
def test_a_real_worker_delivers_1000_due_reminders_exactly_once(transactional_db, tmp_path):
    shared_redis_or_fail()
    ids = make_due_reminders(1000)
    with smtp_sink(tmp_path) as (sink, port):
        env = worker_env(redis_url=SHARED_REDIS, smtp_port=port, REMINDER_SWEEP_SECONDS="2")
        procs = Processes(env, tmp_path)
        try:
            started = time.monotonic()
            procs.start_beat()
            procs.start_worker()
            done = wait_for(lambda: sent_count() == 1000 and sink.count() >= 1000, 90)
            elapsed = time.monotonic() - started
            time.sleep(3)  # one more sweep: nothing may arrive twice afterwards
            assert done, procs.logs()
        finally:
            procs.stop_all()
        received = sink.counter()
    assert sorted(received) == ids
    assert [i for i, n in received.items() if n > 1] == []
    assert Reminder.objects.exclude(state=Reminder.State.SENT).count() == 0
    print(f"\n1000 reminders delivered exactly once in {elapsed:.1f}s (incl. worker start)")


class RedisServer:
    """A redis-server of this test's own, on its own port, without persistence: a restart
    loses every queued task, which the database's leases must recover."""

    def __init__(self, port: int, workdir: Path) -> None:
        self.port = port
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed"
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=1)
        assert wait_for(lambda: _pings(client), 10, 0.05)

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


VISIBILITY = 10
LEASE = 6
SWEEP = 2


@pytest.mark.timeout(150)
def test_killed_workers_and_a_restarted_redis_lose_nothing_and_repeat_nothing(
    transactional_db, tmp_path
):
    count = 300
    ids = make_due_reminders(count)
    server = RedisServer(free_port(), tmp_path)
    server.start()
    faults: list[str] = []
    # 25 ms before each acknowledgement: the kills land while messages are in flight.
    with smtp_sink(tmp_path, delay=0.025) as (sink, port):
        env = worker_env(
            redis_url=server.url,
            smtp_port=port,
            REMINDER_SWEEP_SECONDS=str(SWEEP),
            REMINDER_LEASE_SECONDS=str(LEASE),
            CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY),
            REMINDER_TASK_TIME_LIMIT="5",
            # About what two worker processes send per sweep: the queue drains within a lease.
            REMINDER_BATCH="60",
            EMAIL_TIMEOUT="3",
        )
        procs = Processes(env, tmp_path)
        try:
            started = time.monotonic()
            procs.start_beat()
            procs.start_worker()

            def progress(at_least: int) -> None:
                assert wait_for(lambda: sink.count() >= at_least, 40), procs.logs()

            killed: set[int] = set()

            def kill_child() -> None:
                # At a random moment, independent of what the sink is doing.
                time.sleep(random.uniform(0, 0.2))
                children = [c for c in procs.worker_children() if c not in killed]
                if children:
                    os.kill(children[0], signal.SIGKILL)
                    killed.add(children[0])
                    faults.append(f"child {children[0]}")

            progress(20)
            kill_child()
            time.sleep(0.4)
            kill_child()
            progress(sink.count() + 10)
            time.sleep(random.uniform(0, 0.2))
            procs.kill_worker_main()
            faults.append("main")
            procs.start_worker()
            progress(sink.count() + 10)
            kill_child()
            progress(sink.count() + 10)
            server.kill()
            faults.append("redis")
            time.sleep(0.5)
            server.start()
            progress(sink.count() + 5)
            time.sleep(random.uniform(0, 0.2))
            procs.kill_worker_main()
            faults.append("main")
            procs.start_worker()
            progress(sink.count() + 5)
            kill_child()
            last_fault = time.monotonic()

            # Recovery: within the visibility timeout + 2 sweeps of the last fault, plus a
            # worker's start-up, plus the backlog still queued then (at a conservative 10/s
            # on a loaded 2-CPU machine).
            backlog = count - sent_count()
            budget = VISIBILITY + 2 * SWEEP + 5 + backlog / 10
            done = wait_for(lambda: sent_count() == count and sink.count() >= count, budget)
            recovered_after = time.monotonic() - last_fault
            total = time.monotonic() - started
            time.sleep(LEASE + SWEEP)  # late duplicates would show up now
        finally:
            procs.stop_all()
            if server.proc and server.proc.poll() is None:
                server.kill()
        received = sink.counter()
    duplicated = {i: n for i, n in received.items() if n > 1}
    lost = sorted(set(ids) - set(received))
    report = {
        "done_in_budget": done,
        "budget_s": round(budget, 1),
        "sent_in_db": sent_count(),
        "sink_messages": sum(received.values()),
        "lost_detail": list(
            Reminder.objects.filter(pk__in=lost[:5]).values_list("pk", "state", "channels_sent")
        ),
        "time_limit_kills": procs.log_count("Hard time limit"),
        "reminders": count,
        "faults": faults,
        "duplicated": len(duplicated),
        "lost": len(lost),
        "recovered_after_last_fault_s": round(recovered_after, 1),
        "total_s": round(total, 1),
        "attempts": sorted(Counter(Reminder.objects.values_list("attempts", flat=True)).items()),
    }
    print("\nfault test:", json.dumps(report, default=str))
    assert done, f"{report}\n{procs.logs()}"
    assert lost == []
    assert set(received) == set(ids)
    assert len(faults) >= 6
    # In-app notifications are exactly once (README): one per reminder, its recipient's,
    # however often a delivery was interrupted; none without a reminder.
    in_app = Notification.objects.filter(reminder_id__in=ids)
    assert Counter(in_app.values_list("reminder_id", flat=True)) == Counter(ids)
    assert not in_app.exclude(recipient_id=F("reminder__recipient_id")).exists()
    assert not Notification.objects.filter(reminder__isnull=True).exists()
    # The residual at-least-once window (services.py): a worker process SIGKILLed after the
    # sink has the whole message (the final ".", even before its 250 arrives) and before
    # the COMMIT. A duplicate may only come from such a kill: the
    # reminder's delivery was interrupted (a second attempt), and no more duplicates than
    # worker processes killed. Redis restarts, redeliveries and reclaims never duplicate.
    interrupted = set(Reminder.objects.filter(attempts__gte=2).values_list("pk", flat=True))
    process_kills = sum(1 for f in faults if f != "redis") + faults.count("main")
    assert set(duplicated) <= interrupted, (duplicated, interrupted)
    assert sum(n - 1 for n in duplicated.values()) <= process_kills
