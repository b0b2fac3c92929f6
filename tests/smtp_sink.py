"""A recording SMTP sink in its own process: `python -m tests.smtp_sink PORT LOGFILE DELAY`.

It acknowledges every message with 250 and appends the reminder id from its Message-ID to
LOGFILE (one line per message, written before the 250 goes out, as a real mail server
stores a message before acknowledging it). It dedupes nothing. Its own process, so the test
that kills workers never shares an interpreter lock with it (the kills stay independent of
the moments the sink records).
"""

from __future__ import annotations

import asyncio
import email
import re
import signal
import sys
import threading

from aiosmtpd.controller import Controller

MESSAGE_ID = re.compile(r"<psm-reminder-(\d+)@")


class Recorder:
    def __init__(self, path: str, delay: float) -> None:
        self.out = open(path, "a", buffering=1)  # noqa: SIM115 - lives as long as the process
        self.delay = delay

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.delay:
            await asyncio.sleep(self.delay)  # network latency before the acknowledgement
        message = email.message_from_bytes(envelope.content)
        match = MESSAGE_ID.search(message["Message-ID"] or "")
        self.out.write(f"{match.group(1) if match else -1}\n")
        self.out.flush()
        return "250 Message accepted for delivery"


def main() -> None:
    port, path, delay = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
    controller = Controller(Recorder(path, delay), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
