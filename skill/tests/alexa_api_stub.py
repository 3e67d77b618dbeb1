"""Amazon's Alexa APIs as the skill reaches them, on a local HTTPS server: the Device
Settings API's full address and the Customer Profile API's email, answering as Amazon
documents (200 with the value, 204 when the shopper set none, 403 when the token does not
carry the permission), and the Monetization API's product list when a test gives one (any
JSON, answered with 200; 404 otherwise). Each access token stands for what one shopper
granted and set."""

import ipaddress
import json
import ssl
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from skill.testing.certs import make_root

ADDRESS_PATH = "/v1/devices/{device}/settings/address"
EMAIL_PATH = "/v2/accounts/~current/settings/Profile.email"
PRODUCTS_PATH = "/v1/users/~current/skills/~current/inSkillProducts"
DENIED = "denied"

US_ADDRESS = {
    "addressLine1": "100 Main Street",
    "addressLine2": "Apt 4",
    "addressLine3": None,
    "city": "Springfield",
    "stateOrRegion": "IL",
    "districtOrCounty": None,
    "postalCode": "62701",
    "countryCode": "US",
}


@dataclass
class Grant:
    """What a shopper's token may read: a value, ``None`` (granted, nothing set) or DENIED."""

    address: dict | str | None = DENIED
    email: str | None = DENIED
    delay: float = 0.0  # seconds Amazon takes to answer
    products: object = None  # the Monetization API's answer (None: 404)


@dataclass
class AlexaApiStub:
    url: str = ""
    netloc: str = ""
    ca_file: str = ""
    grants: dict[str, Grant] = field(default_factory=dict)
    calls: list[tuple[str, str]] = field(default_factory=list)  # (path, token)


def _server_cert(root, directory: Path) -> tuple[str, str]:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(root.cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(root.key, hashes.SHA256())
    )
    cert_file, key_file = directory / "server.pem", directory / "server.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        )
    )
    return str(cert_file), str(key_file)


def start_stub() -> tuple[AlexaApiStub, ThreadingHTTPServer]:
    stub = AlexaApiStub()
    directory = Path(tempfile.mkdtemp(prefix="alexa-api-stub-"))
    root = make_root("Alexa API Stub Root")
    (directory / "ca.pem").write_bytes(root.cert.public_bytes(serialization.Encoding.PEM))
    cert_file, key_file = _server_cert(root, directory)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _answer(self, status: int, body=None):
            data = b"" if body is None else json.dumps(body).encode()
            self.send_response(status)
            if data:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):  # noqa: N802 (http.server's name)
            token = self.headers.get("Authorization", "").removeprefix("Bearer ")
            stub.calls.append((self.path, token))
            grant = stub.grants.get(token)
            if grant and grant.delay:
                time.sleep(grant.delay)
            if self.path.startswith("/v1/devices/") and self.path.endswith("/settings/address"):
                value = grant.address if grant else DENIED
                if value == DENIED:
                    return self._answer(
                        403,
                        {
                            "type": "FORBIDDEN",
                            "message": "The authentication token is "
                            "invalid or doesn't have access to the resource",
                        },  # fmt: skip
                    )
            elif self.path == EMAIL_PATH:
                value = grant.email if grant else DENIED
                if value == DENIED:
                    return self._answer(
                        403,
                        {
                            "code": "ACCESS_DENIED",
                            "message": "Access denied with reason: FORBIDDEN",
                        },  # fmt: skip
                    )
            elif self.path.startswith(PRODUCTS_PATH) and grant and grant.products is not None:
                return self._answer(200, grant.products)
            else:
                return self._answer(404, {"type": "NOT_FOUND", "message": self.path})
            if value is None:
                return self._answer(204)
            return self._answer(200, value)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stub.netloc = f"127.0.0.1:{server.server_address[1]}"
    stub.url = f"https://{stub.netloc}"
    stub.ca_file = str(directory / "ca.pem")
    return stub, server
