"""Login with Amazon and the Proactive Events API on one local HTTPS server, answering as
Amazon documents, and checking what the portal sends:

- ``POST /auth/o2/token``: a form with grant_type=client_credentials, a known client id and
  its secret, scope=alexa::proactive_events -> 200 {access_token, expires_in, scope,
  token_type}; anything else -> 400/401 with an LWA error.
- ``POST /v1/proactiveEvents`` and ``/v1/proactiveEvents/stages/development``: a bearer token
  this server issued and that has not expired (else 401), a JSON body with every field of
  the AMAZON.OrderStatus.Updated schema (else 400, with the problems in ``rejected``) ->
  202, or the next status queued in ``script`` (429, 503, ...).
"""

import json
import re
import secrets
import ssl
import tempfile
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

from cryptography.hazmat.primitives import serialization

from skill.testing.certs import make_root
from skill.tests.alexa_api_stub import _server_cert

TOKEN_PATH = "/auth/o2/token"
EVENT_PATHS = {
    "/v1/proactiveEvents": "live",
    "/v1/proactiveEvents/stages/development": "development",
}
STATUSES = {"ORDER_SHIPPED", "ORDER_OUT_FOR_DELIVERY", "ORDER_DELIVERED"}
STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z")


@dataclass
class Sent:
    stage: str
    token: str
    body: dict


@dataclass
class AmazonStub:
    url: str = ""
    netloc: str = ""
    ca_file: str = ""
    clients: dict[str, str] = field(default_factory=dict)  # client id -> secret
    token_lifetime: int = 3600
    tokens: dict[str, bool] = field(default_factory=dict)  # token -> still valid
    token_requests: list[dict] = field(default_factory=list)
    script: list[int] = field(default_factory=list)  # statuses to answer before 202
    accepted: list[Sent] = field(default_factory=list)
    answered: list[int] = field(default_factory=list)  # every event answer, in order
    rejected: list[str] = field(default_factory=list)

    def reset(self):
        self.clients.clear()
        self.tokens.clear()
        self.token_requests.clear()
        self.script.clear()
        self.accepted.clear()
        self.answered.clear()
        self.rejected.clear()
        self.token_lifetime = 3600

    def expire_tokens(self):
        """Amazon no longer takes the tokens issued so far (they expired)."""
        for token in self.tokens:
            self.tokens[token] = False


def schema_problems(body) -> list[str]:
    """What in ``body`` breaks the AMAZON.OrderStatus.Updated schema (Unicast)."""
    problems = []
    if not isinstance(body, dict):
        return ["body is not an object"]
    if set(body) != {
        "timestamp",
        "referenceId",
        "expiryTime",
        "event",
        "localizedAttributes",
        "relevantAudience",
    }:
        problems.append(f"top-level fields {sorted(body)}")
    for name in ("timestamp", "expiryTime"):
        if not isinstance(body.get(name), str) or not STAMP.fullmatch(body[name]):
            problems.append(f"{name} is not an ISO 8601 UTC time")
    if not isinstance(body.get("referenceId"), str) or not body["referenceId"]:
        problems.append("referenceId missing")
    event = body.get("event") or {}
    if event.get("name") != "AMAZON.OrderStatus.Updated":
        problems.append("event.name")
    payload = event.get("payload") or {}
    state = payload.get("state") or {}
    if state.get("status") not in STATUSES:
        problems.append("payload.state.status")
    details = state.get("deliveryDetails")
    if details is not None and not STAMP.fullmatch(str(details.get("expectedArrival", ""))):
        problems.append("deliveryDetails.expectedArrival")
    seller = ((payload.get("order") or {}).get("seller") or {}).get("name")
    if seller != "localizedattribute:sellerName":
        problems.append("payload.order.seller.name")
    attributes = body.get("localizedAttributes")
    if not attributes or not all(
        isinstance(a, dict) and set(a) == {"locale", "sellerName"} and a["sellerName"]
        for a in attributes
    ):
        problems.append("localizedAttributes")
    audience = body.get("relevantAudience") or {}
    user = (audience.get("payload") or {}).get("user")
    if audience.get("type") != "Unicast" or not isinstance(user, str) or not user:
        problems.append("relevantAudience")
    return problems


def start_stub() -> tuple[AmazonStub, ThreadingHTTPServer]:
    stub = AmazonStub()
    lock = threading.Lock()
    directory = Path(tempfile.mkdtemp(prefix="amazon-stub-"))
    root = make_root("Amazon Stub Root")
    (directory / "ca.pem").write_bytes(root.cert.public_bytes(serialization.Encoding.PEM))
    cert_file, key_file = _server_cert(root, directory)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, status: int, body=None):
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _body(self) -> bytes:
            return self.rfile.read(int(self.headers.get("Content-Length") or 0))

        def do_POST(self):  # noqa: N802 (http.server's name)
            raw = self._body()
            if self.path == TOKEN_PATH:
                return self._token(raw)
            if self.path in EVENT_PATHS:
                return self._event(EVENT_PATHS[self.path], raw)
            return self._answer(404, {"message": self.path})

        def _token(self, raw: bytes):
            form = {k: v[0] for k, v in parse_qs(raw.decode()).items()}
            with lock:
                stub.token_requests.append(form)
            if form.get("grant_type") != "client_credentials":
                return self._answer(400, {"error": "unsupported_grant_type"})
            if form.get("scope") != "alexa::proactive_events":
                return self._answer(400, {"error": "invalid_scope"})
            if stub.clients.get(form.get("client_id", "")) != form.get("client_secret"):
                return self._answer(401, {"error": "invalid_client"})
            token = f"Atc|{secrets.token_urlsafe(16)}"
            with lock:
                stub.tokens[token] = True
            return self._answer(
                200,
                {
                    "access_token": token,
                    "expires_in": stub.token_lifetime,
                    "scope": "alexa::proactive_events",
                    "token_type": "bearer",
                },
            )

        def _event(self, stage: str, raw: bytes):
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            with lock:
                if not stub.tokens.get(token):
                    stub.answered.append(401)
                    return self._answer(401, {"message": "Invalid or expired token"})
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                problems = schema_problems(body)
                if problems or self.headers.get("Content-Type") != "application/json":
                    stub.rejected.extend(problems or ["content type"])
                    stub.answered.append(400)
                    return self._answer(400, {"message": "; ".join(problems)})
                if stub.script:
                    status = stub.script.pop(0)
                    stub.answered.append(status)
                    return self._answer(status, {"message": "try later"})
                stub.accepted.append(Sent(stage=stage, token=token, body=body))
                stub.answered.append(202)
            return self._answer(202)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stub.netloc = f"127.0.0.1:{server.server_address[1]}"
    stub.url = f"https://{stub.netloc}"
    stub.ca_file = str(directory / "ca.pem")
    return stub, server
