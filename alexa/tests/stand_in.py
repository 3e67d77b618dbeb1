"""A local stand-in for one of Amazon's hosts: a real HTTP server in a thread, over plain HTTP
or over TLS with a certificate from a CA made for the test. Each request is recorded; what
it answers is set on the stand-in (status, headers, body, seconds to wait first)."""

import ipaddress
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
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


@dataclass
class Seen:
    method: str
    path: str
    headers: dict
    body: bytes


@dataclass
class StandIn:
    scheme: str
    netloc: str = ""
    ca_file: str = ""  # the CA that signed the server's certificate (TLS only)
    status: int = 200
    headers: dict = field(default_factory=lambda: {"Content-Type": "application/json"})
    body: bytes = b"{}"
    delay: float = 0.0
    seen: list[Seen] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"{self.scheme}://{self.netloc}"

    def stop(self) -> None:
        assert self.server is not None, "not started"
        self.server.shutdown()
        self.server.server_close()


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificates(directory: Path) -> tuple[str, str, str]:
    """(CA file, server certificate file, server key file) for 127.0.0.1."""
    now = datetime.now(UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("Stand-in CA"))
        .issuer_name(_name("Stand-in CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(_name("127.0.0.1"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    files = directory / "ca.pem", directory / "server.pem", directory / "server.key"
    files[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    files[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return str(files[0]), str(files[1]), str(files[2])


def start(*, tls: bool) -> StandIn:
    stand_in = StandIn(scheme="https" if tls else "http")

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def _handle(self):
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            stand_in.seen.append(Seen(self.command, self.path, dict(self.headers), body))
            if stand_in.delay:
                time.sleep(stand_in.delay)
            try:
                self.send_response(stand_in.status)
                for name, value in stand_in.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(stand_in.body)))
                self.end_headers()
                self.wfile.write(stand_in.body)
            except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
                pass  # the client gave up waiting

        do_GET = do_POST = _handle  # noqa: N815 (http.server's names)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls:
        ca_file, cert_file, key_file = _certificates(Path(tempfile.mkdtemp(prefix="stand-in-")))
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert_file, key_file)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        stand_in.ca_file = ca_file
    threading.Thread(target=server.serve_forever, daemon=True).start()
    stand_in.netloc = f"127.0.0.1:{server.server_address[1]}"
    stand_in.server = server
    return stand_in
