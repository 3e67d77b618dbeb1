"""A shopping platform for the tests: a real HTTP server on a loopback port that serves the
platform's UCP profile (its order capability names its webhook) and records the order
webhooks it receives, answering 500 to the first ``failures`` of them."""

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from ucp.protocol import ORDER, VERSION


@dataclass
class Delivery:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class Platform:
    server: ThreadingHTTPServer
    profile: dict[str, Any]
    deliveries: list[Delivery] = field(default_factory=list)
    failures: int = 0
    profile_fetches: int = 0

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://127.0.0.1:{port}"

    @property
    def profile_url(self) -> str:
        return f"{self.base}/profile.json"

    @property
    def webhook_url(self) -> str:
        return f"{self.base}/webhook"

    def agent_header(self) -> str:
        return f'profile="{self.profile_url}"'


def platform_profile(webhook_url: str, *, version: str = VERSION) -> dict[str, Any]:
    return {
        "ucp": {
            "version": version,
            "services": {},
            "payment_handlers": {},
            "capabilities": {
                name: [
                    {
                        "version": version,
                        **({"config": {"webhook_url": webhook_url}} if name == ORDER else {}),
                    }
                ]
                for name in (
                    "dev.ucp.shopping.checkout",
                    "dev.ucp.shopping.fulfillment",
                    "dev.ucp.shopping.discount",
                    "dev.ucp.shopping.buyer_consent",
                    ORDER,
                )
            },
        }
    }


def start_platform() -> Platform:
    holder: dict[str, Platform] = {}

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            platform = holder["platform"]
            if self.path == "/profile.json":
                platform.profile_fetches += 1
                body = json.dumps(platform.profile).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            self.send_response(404)
            self.end_headers()

        def do_POST(self) -> None:  # noqa: N802
            platform = holder["platform"]
            body = self.rfile.read(int(self.headers.get("content-length", 0)))
            status = 500 if len(platform.deliveries) < platform.failures else 200
            headers = {k.lower(): v for k, v in self.headers.items()}
            platform.deliveries.append(Delivery(self.path, headers, body, status))
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    platform = Platform(server=server, profile={})
    platform.profile = platform_profile(platform.webhook_url)
    holder["platform"] = platform
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return platform
