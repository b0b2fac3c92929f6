"""A Celery app with psm's broker and worker settings and one task that needs no database:
tests/test_broker_restarts.py runs a real worker of it against a Redis it restarts.

The broker URL is the test's own Redis (BROKER_RESTARTS_URL); everything else, the
transport included, is read from psm.settings, as the real worker reads it.
"""

from __future__ import annotations

import os
import time

from celery import Celery

app = Celery("broker_restarts")
app.config_from_object("psm.settings", namespace="CELERY")
app.conf.update(broker_url=os.environ["BROKER_RESTARTS_URL"])


@app.task(name="broker_restarts.mark")
def mark(n: int, seconds: float = 0.0) -> None:
    """Work for `seconds`, then write `n` to BROKER_RESTARTS_OUT (a line per task)."""
    time.sleep(seconds)
    with open(os.environ["BROKER_RESTARTS_OUT"], "a") as out:
        out.write(f"{n}\n")
