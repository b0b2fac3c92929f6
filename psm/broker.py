"""kombu's Redis transport, with one fault of its own turned into the connection error it is.

Why a subclass of a well-kept library: kombu 5.7.0 (with Celery 5.7.0, redis-py 8.1) lets a
worker die when Redis goes away while tasks are in flight. Celery's consumer collects the
broken connection, which sets the transport's `client` to None, and then closes it. When the
first close of the default channel stopped part-way (its pending BRPOP read hit the dead
socket), the second close tries to restore the unacknowledged messages through a new Redis
client, and `Channel._connparams` reads `None.hostname`. An AttributeError is not a connection
error, so Celery does not reconnect: it logs "Unrecoverable error: AttributeError("'NoneType'
object has no attribute 'hostname'")" and the worker process exits. Reminders then wait for
whoever restarts the worker.

Measured with a busy worker (prefork, 2 processes, acks late, 30 ms tasks) and Redis
SIGKILLed and restarted every 1-3 s: kombu's transport exited within 3 to 7 restarts in 4 of
4 runs; this one survived every restart (tests/test_broker_restarts.py). Upstream reports of
the same stop: celery/celery#8091, #10205, #10302.

The fix is the narrowest one: with no connection left to read its address from, a channel
raises redis's ConnectionError. kombu's close ignores connection errors and Celery's consumer
reconnects on them, as it already does for every other way a connection is lost. The messages
that close would have restored come back with Redis's visibility timeout; reminders are held
by their leases in the database anyway (psm.notifications.services).

Remove it when a kombu release closes a collected connection without reading its address.
"""

from __future__ import annotations

from typing import Any

import redis
from kombu.transport import redis as kombu_redis


class Channel(kombu_redis.Channel):
    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        if self.connection.client is None:
            raise redis.exceptions.ConnectionError("the broker connection was closed")
        # mypy does not see kombu's (untyped) _connparams; it is there in kombu 5.7.0.
        return super()._connparams(asynchronous=asynchronous)  # type: ignore[misc]


class Transport(kombu_redis.Transport):
    """CELERY_BROKER_TRANSPORT for a redis:// broker URL (psm.backends.celery_broker)."""

    Channel = Channel
