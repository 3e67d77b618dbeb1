"""The launch checklist's skill endpoint item: the address Alexa will call must be a real
HTTPS address (not the placeholder an unconfigured deployment exported), and answer a signed
launch request.

The portal signs the launch request the way the tests do (a certificate of its own for
echo-api.amazon.com, ``skill.testing.certs``): an endpoint that verifies requests as it must
refuses it (HTTP 400, "verification failed"), which still proves the skill answers there; an
endpoint that does not verify (``ALEXA_VERIFY_REQUESTS`` off, development and tests) answers
with the skill's speech."""

import functools
import json
from dataclasses import dataclass
from urllib.parse import urlsplit

from alexa import http
from skill.testing.certs import Signer, make_root, make_signer
from skill.testing.envelopes import envelope, launch

PLACEHOLDER_HOSTS = {"voice-store.example.com"}
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-portal-check.pem"
TIMEOUT_SECONDS = 5.0
PASSED, FAILED, WARNING = "passed", "failed", "warning"


@dataclass(frozen=True)
class Probe:
    status: str
    detail: str


@functools.cache
def _signer() -> Signer:
    return make_signer(make_root("Voice store portal endpoint check"))


def endpoint_problem(url: str) -> str:
    """Why the address cannot be the skill's endpoint ("" when it can be)."""
    parts = urlsplit(url or "")
    if not parts.netloc or parts.hostname in PLACEHOLDER_HOSTS:
        return f"{url or 'The endpoint'} is a placeholder, not this portal's address."
    if parts.scheme != "https" and not is_loopback(url):
        return f"{url} is not HTTPS: Alexa only calls HTTPS endpoints."
    return ""


def is_loopback(url: str) -> bool:
    """Plain http on this machine (development, the embedded sandbox, tests): probed, but
    never more than a warning."""
    parts = urlsplit(url or "")
    return parts.scheme == "http" and parts.hostname in LOOPBACK_HOSTS


def probe_endpoint(*, url: str, skill_id: str, locale: str) -> Probe:
    """Send a signed launch request to ``url`` and say what came back (plain http on this
    machine is at best a warning)."""
    probe = _probe(url=url, skill_id=skill_id, locale=locale)
    if probe.status == PASSED and is_loopback(url):
        return Probe(
            WARNING, f"{probe.detail} It is plain http on this machine: Alexa needs HTTPS."
        )
    return probe


def _probe(*, url: str, skill_id: str, locale: str) -> Probe:
    body = json.dumps(envelope(launch(locale), skill_id=skill_id, new=True)).encode()
    headers = {
        "Content-Type": "application/json",
        "SignatureCertChainUrl": CERT_URL,
        "Signature-256": _signer().sign(body),
    }
    try:
        answer = http.request(
            "POST",
            url,
            allowed=http.sandbox_origin(url),
            timeout=TIMEOUT_SECONDS,
            headers=headers,
            data=body,
        )
    except http.Unreachable as exc:
        return Probe(FAILED, f"{url} did not answer a launch request ({exc.kind}).")
    text = answer.text[:300]
    if answer.status_code == 200:
        try:
            speech = answer.json()["response"]["outputSpeech"]
        except (ValueError, KeyError, TypeError):
            speech = None
        said = (speech or {}).get("text") or (speech or {}).get("ssml") or ""
        if said:
            return Probe(PASSED, f'{url} answered a launch request: "{said}"')
        return Probe(FAILED, f"{url} answered a launch request without speech.")
    if answer.status_code == 400 and text.startswith("verification failed"):
        return Probe(
            PASSED,
            f"{url} answered, and refused a launch request not signed by Amazon, as it must.",
        )
    if answer.status_code == 400 and text.startswith("no store serves application id"):
        return Probe(WARNING, f"{url} answers, but does not know the skill id {skill_id} yet.")
    return Probe(FAILED, f"{url} answered a launch request with HTTP {answer.status_code}.")
