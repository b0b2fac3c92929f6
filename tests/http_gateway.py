"""A local WhatsApp/SMS gateway for tests: a real HTTP server that records each POST."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Gateway(BaseHTTPRequestHandler):
    """Records each request's headers and JSON body; answers with `status`."""

    received: list[dict[str, Any]] = []
    status = 200

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append({"headers": dict(self.headers), "json": json.loads(body)})
        self.send_response(type(self).status)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@contextmanager
def running_gateway(settings: Any) -> Iterator[type[Gateway]]:
    """Start the gateway on a free port and point WHATSAPP_GATEWAY_URL at it."""
    Gateway.received = []
    Gateway.status = 200
    server = ThreadingHTTPServer(("127.0.0.1", 0), Gateway)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.WHATSAPP_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.WHATSAPP_GATEWAY_TOKEN = "rahasia-uji"
    try:
        yield Gateway
    finally:
        server.shutdown()
        server.server_close()
