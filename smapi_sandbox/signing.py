"""The sandbox's signature on the requests its simulations send to ``/alexa/``.

Alexa signs each request with its certificate (``Signature-256``, ``SignatureCertChainUrl``)
and the endpoint checks it (``skill.verification``). The sandbox does the same with a
certificate of its own, made once per process from a CA of its own whose key never leaves the
process: an endpoint that verifies requests accepts the sandbox's only where that CA is
trusted (``trust_sandbox_signatures``: the tests, and ``DEBUG`` runs such as ``make run``);
a production endpoint, trusting Amazon alone, refuses them.
"""

import threading
from functools import cache
from pathlib import Path

from cryptography import x509
from django.conf import settings

from skill import verification
from skill.testing.certs import Signer, make_root, make_signer

# Where the chain "is": a path under Amazon's, served from memory (never fetched).
CHAIN_URL = "https://s3.amazonaws.com/echo.api/smapi-sandbox.pem"
_lock = threading.Lock()


@cache
def sandbox_signer() -> Signer:
    return make_signer(make_root("SMAPI sandbox CA"))


def signed_headers(body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "Signature-256": sandbox_signer().sign(body),
        "SignatureCertChainUrl": CHAIN_URL,
    }


def trust_sandbox_signatures() -> verification.RequestVerifier:
    """Make this process's ``/alexa/`` accept the sandbox's signature as well as Amazon's."""
    signer = sandbox_signer()
    roots: list[x509.Certificate] = [signer.root.cert]
    roots += x509.load_pem_x509_certificates(Path(verification.default_roots_file()).read_bytes())

    def fetch(url: str, timeout: float) -> bytes:
        if url == CHAIN_URL:
            return signer.chain_pem
        return verification.fetch_url(url, timeout)

    verifier = verification.RequestVerifier(
        roots=roots, fetcher=fetch, timeout=settings.ALEXA_CERT_FETCH_TIMEOUT
    )
    with _lock:
        verification.set_verifier(verifier)
    return verifier
