"""A local webhook receiver for the tests and the bench: an HTTP server in a thread that
verifies every request with the ``standardwebhooks`` library, as a merchant's system would,
and deduplicates on ``webhook-id``."""

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    """``received``: every verified request (id, type, payload, headers, time);
    ``unique``: the first of each webhook-id; ``rejected``: requests that failed
    verification. ``status`` is what it answers; ``delay`` seconds it waits first."""

    def __init__(self, secret: str = "", *, port: int | None = None, status: int = 200):
        self.secret = secret
        self.port = port or free_port()
        self.status = status
        self.delay = 0.0
        self.headers_extra: dict[str, str] = {}
        self.received: list[dict[str, Any]] = []
        self.rejected: list[str] = []
        self.unique: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None
        self.arrived = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def start(self):
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                headers = dict(self.headers.items())
                try:
                    payload = Webhook(receiver.secret).verify(body, headers)
                except WebhookVerificationError as exc:
                    with receiver.lock:
                        receiver.rejected.append(str(exc))
                    self._answer(400, b"bad signature")
                    return
                entry = {
                    "id": self.headers["webhook-id"],
                    "type": payload["type"],
                    "payload": payload,
                    "headers": headers,
                    "at": time.time(),
                }
                with receiver.lock:
                    receiver.received.append(entry)
                    receiver.unique.setdefault(entry["id"], entry)
                receiver.arrived.set()
                if receiver.delay:
                    time.sleep(receiver.delay)
                self._answer(receiver.status, json.dumps({"ok": True}).encode())

            def _answer(self, status, body):
                self.send_response(status)
                for name, value in receiver.headers_extra.items():
                    self.send_header(name, value)
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.server = server
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def types(self) -> list[str]:
        return sorted(entry["type"] for entry in self.received)
