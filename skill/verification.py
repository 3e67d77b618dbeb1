"""Proof that a request to ``/alexa/`` comes from Alexa, checked before any database work.

The rules are Amazon's for self-hosted skill endpoints:

1. ``SignatureCertChainUrl`` is https, host ``s3.amazonaws.com``, port 443 if given, and its
   normalised path starts with ``/echo.api/``.
2. The PEM chain at that URL is valid now, chains to a trusted root and its signing
   certificate names ``echo-api.amazon.com`` in its subject alternative names.
3. ``Signature-256`` is an RSA PKCS#1 v1.5 SHA-256 signature of the raw body by that
   certificate.
4. ``request.timestamp`` is within 150 seconds of now (skill events: one hour).

Written on ``cryptography`` because ``ask-sdk-webservice-support`` cannot be imported on
current OpenSSL. Verified chains are cached per URL until the first certificate in them
expires; fetching is bounded by a timeout and a size limit.
"""

import base64
import binascii
import json
import logging
import posixpath
import threading
import urllib.request
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.x509.verification import DNSName, PolicyBuilder, Store, VerificationError
from django.conf import settings

logger = logging.getLogger(__name__)

SIGNING_NAME = "echo-api.amazon.com"
CERT_HOST = "s3.amazonaws.com"
CERT_PATH_PREFIX = "/echo.api/"
REQUEST_TOLERANCE = timedelta(seconds=150)
SKILL_EVENT_TOLERANCE = timedelta(hours=1)
MAX_CHAIN_BYTES = 64 * 1024
CACHE_SIZE = 16


class VerificationFailed(Exception):
    """The request is not provably from Alexa; ``str(exc)`` says which rule failed."""


Fetcher = Callable[[str, float], bytes]


def fetch_url(url: str, timeout: float) -> bytes:
    """Download the certificate chain (bounded in time and size)."""
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 (https checked)
        data: bytes = response.read(MAX_CHAIN_BYTES + 1)
    if len(data) > MAX_CHAIN_BYTES:
        raise VerificationFailed("certificate chain too large")
    return data


def check_cert_url(url: str) -> None:
    if not url:
        raise VerificationFailed("no SignatureCertChainUrl")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise VerificationFailed("malformed certificate URL") from exc
    if parts.scheme.lower() != "https":
        raise VerificationFailed("certificate URL is not https")
    if (parts.hostname or "").lower() != CERT_HOST:
        raise VerificationFailed("certificate URL host is not s3.amazonaws.com")
    if port not in (None, 443):
        raise VerificationFailed("certificate URL port is not 443")
    path = posixpath.normpath(parts.path) if parts.path else ""
    if parts.path.endswith("/") and not path.endswith("/"):
        path += "/"
    if not path.startswith(CERT_PATH_PREFIX):
        raise VerificationFailed("certificate URL path does not start with /echo.api/")


@dataclass(frozen=True)
class _VerifiedChain:
    public_key: rsa.RSAPublicKey
    not_before: datetime
    not_after: datetime


def _load_roots(path: str) -> list[x509.Certificate]:
    with open(path, "rb") as handle:
        return x509.load_pem_x509_certificates(handle.read())


def default_roots_file() -> str:
    return certifi.where()


class RequestVerifier:
    """Verifies signed Alexa requests. One per process; thread-safe certificate cache.

    ``fetcher`` and ``roots`` can be injected (tests use a generated CA and no network).
    """

    def __init__(
        self,
        *,
        roots: list[x509.Certificate] | None = None,
        fetcher: Fetcher = fetch_url,
        timeout: float = 3.0,
        clock: Callable[[], datetime] | None = None,
    ):
        self._roots = roots
        self.fetcher = fetcher
        self.timeout = timeout
        self.clock = clock or (lambda: datetime.now(UTC))
        self._cache: OrderedDict[str, _VerifiedChain] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def roots(self) -> list[x509.Certificate]:
        if self._roots is None:
            self._roots = _load_roots(default_roots_file())
        return self._roots

    def verify(self, *, body: bytes, cert_url: str, signature: str) -> dict[str, Any]:
        """Check every rule; return the parsed envelope. Raises ``VerificationFailed``."""
        check_cert_url(cert_url)
        if not signature:
            raise VerificationFailed("no Signature-256 header")
        chain = self._chain(cert_url)
        try:
            raw_signature = base64.b64decode(signature, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise VerificationFailed("Signature-256 is not base64") from exc
        try:
            chain.public_key.verify(raw_signature, body, padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature as exc:
            raise VerificationFailed("signature does not match the body") from exc
        try:
            envelope = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError) as exc:
            raise VerificationFailed("body is not JSON") from exc
        if not isinstance(envelope, dict):
            raise VerificationFailed("no request in the envelope")
        self._check_timestamp(envelope)
        return envelope

    def _chain(self, url: str) -> _VerifiedChain:
        now = self.clock()
        with self._lock:
            cached = self._cache.get(url)
            if cached is not None:
                self._cache.move_to_end(url)
        if cached is not None and cached.not_before <= now <= cached.not_after:
            return cached
        try:
            pem = self.fetcher(url, self.timeout)
        except VerificationFailed:
            raise
        except Exception as exc:  # network errors, timeouts
            raise VerificationFailed(f"certificate chain could not be fetched: {exc}") from exc
        verified = self._verify_chain(pem, now)
        with self._lock:
            self._cache[url] = verified
            self._cache.move_to_end(url)
            while len(self._cache) > CACHE_SIZE:
                self._cache.popitem(last=False)
        return verified

    def _verify_chain(self, pem: bytes, now: datetime) -> _VerifiedChain:
        try:
            certs = x509.load_pem_x509_certificates(pem)
        except ValueError as exc:
            raise VerificationFailed("certificate chain is not PEM") from exc
        leaf, intermediates = certs[0], certs[1:]
        for cert in certs:
            if not (cert.not_valid_before_utc <= now <= cert.not_valid_after_utc):
                raise VerificationFailed("a certificate in the chain is not valid now")
        try:
            sans = leaf.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        except x509.ExtensionNotFound as exc:
            raise VerificationFailed("signing certificate has no SAN") from exc
        if SIGNING_NAME not in sans.value.get_values_for_type(x509.DNSName):
            raise VerificationFailed("signing certificate is not for echo-api.amazon.com")
        verifier = (
            PolicyBuilder()
            .store(Store(self.roots))
            .time(now)
            .build_server_verifier(DNSName(SIGNING_NAME))
        )
        try:
            verifier.verify(leaf, intermediates)
        except VerificationError as exc:
            raise VerificationFailed(f"certificate chain not trusted: {exc}") from exc
        public_key = leaf.public_key()
        if not isinstance(public_key, rsa.RSAPublicKey):
            raise VerificationFailed("signing certificate key is not RSA")
        return _VerifiedChain(
            public_key=public_key,
            not_before=max(c.not_valid_before_utc for c in certs),
            not_after=min(c.not_valid_after_utc for c in certs),
        )

    def _check_timestamp(self, envelope: dict[str, Any]) -> None:
        request = envelope.get("request") if isinstance(envelope, dict) else None
        if not isinstance(request, dict):
            raise VerificationFailed("no request in the envelope")
        stamp = parse_timestamp(request.get("timestamp"))
        if stamp is None:
            raise VerificationFailed("request timestamp missing or malformed")
        is_event = str(request.get("type", "")).startswith("AlexaSkillEvent.")
        tolerance = SKILL_EVENT_TOLERANCE if is_event else REQUEST_TOLERANCE
        if abs(self.clock() - stamp) > tolerance:
            raise VerificationFailed("request timestamp outside the allowed window")


def parse_timestamp(value: object) -> datetime | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        try:
            return datetime.fromtimestamp(value / 1000, tz=UTC)  # epoch milliseconds
        except (OverflowError, OSError, ValueError):  # beyond any calendar
            return None
    if not isinstance(value, str):
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


_verifier: RequestVerifier | None = None
_verifier_lock = threading.Lock()


def get_verifier() -> RequestVerifier:
    """The process's verifier (built once, keeps its certificate cache)."""
    global _verifier
    if _verifier is None:
        with _verifier_lock:
            if _verifier is None:
                _verifier = RequestVerifier(timeout=settings.ALEXA_CERT_FETCH_TIMEOUT)
    return _verifier


def set_verifier(verifier: RequestVerifier | None) -> None:
    """Replace the process's verifier (tests inject a local CA and fetcher)."""
    global _verifier
    _verifier = verifier
