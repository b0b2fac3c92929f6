"""A busy Celery worker on a Redis that is killed and restarted again and again keeps
consuming, and never exits (psm.broker).

With kombu's own Redis transport the worker exited ("Unrecoverable error: AttributeError
... 'hostname'") within 3 to 7 restarts in 4 of 4 runs of this procedure; reminders would
then wait for whoever restarts the worker. The worker is real (prefork, 2 processes, psm's
settings: acks late, prefetch 1); so is the Redis, a server of this test's own.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.test_notifications_delivery import ROOT, RedisServer, free_port, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.slow]

CELERY = str(Path(sys.executable).with_name("celery"))
RESTARTS = 25
# Tasks in flight at every kill: one of 30 ms published every 20 ms keeps both processes busy.
BUSY_TASK_SECONDS = 0.03
BUSY_EVERY_SECONDS = 0.02


@pytest.mark.timeout(240)
def test_a_busy_worker_keeps_consuming_through_repeated_redis_restarts(tmp_path, monkeypatch):
    server = RedisServer(free_port(), tmp_path)
    server.start()
    out = tmp_path / "done.txt"
    out.touch()
    monkeypatch.setenv("BROKER_RESTARTS_URL", server.url)
    monkeypatch.setenv("BROKER_RESTARTS_OUT", str(out))
    from tests.broker_app import app, mark

    assert app.conf.broker_transport == "psm.broker:Transport"  # what psm.settings chose
    log_path = tmp_path / "worker.log"
    log = open(log_path, "wb")  # noqa: SIM115
    worker = subprocess.Popen(
        [CELERY, "-A", "tests.broker_app", "worker", "-P", "prefork", "-c", "2"]
        + ["--without-gossip", "--without-mingle", "--loglevel=INFO"],
        cwd=ROOT,
        env={**os.environ, "PSM_TESTING": "1"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    stop = threading.Event()

    def keep_busy() -> None:
        while not stop.is_set():
            with contextlib.suppress(Exception):  # Redis is down part of the time
                mark.delay(-1, BUSY_TASK_SECONDS)
            time.sleep(BUSY_EVERY_SECONDS)

    def marked() -> set[int]:
        return {int(x) for x in out.read_text().split()} - {-1}

    def worker_log() -> str:
        return log_path.read_text(errors="replace")[-6000:]

    busy = threading.Thread(target=keep_busy, daemon=True)
    busy.start()
    rng = random.Random()
    try:
        for n in range(1, RESTARTS + 2):
            mark.delay(n)
            assert wait_for(lambda n=n: n in marked(), 30), (
                f"task {n} not done after {n - 1} Redis restarts; worker "
                f"{'alive' if worker.poll() is None else f'exited ({worker.returncode})'}\n"
                + worker_log()
            )
            if n > RESTARTS:
                break
            time.sleep(rng.uniform(0, 1.0))
            server.kill()
            time.sleep(rng.uniform(0.1, 1.0))
            server.start()
        assert worker.poll() is None, worker_log()
        assert "Unrecoverable error" not in log_path.read_text(errors="replace")
    finally:
        stop.set()
        busy.join(5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
        log.close()
        if server.proc and server.proc.poll() is None:
            server.kill()
