"""Sign one event per the Standard Webhooks specification and POST it to one endpoint.

Headers: ``webhook-id`` (the event's ``message_id``, the same on every retry and replay),
``webhook-timestamp`` (seconds since the epoch, of this attempt) and ``webhook-signature``
(``v1,<base64 HMAC-SHA256 of "id.timestamp.body">``, from the ``standardwebhooks``
package). A 2xx answer is a success; anything else, a redirect included, is a failure.
"""

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from standardwebhooks.webhooks import Webhook

from .network import AddressRefused, PinnedAdapter, resolve_checked, url_problem

USER_AGENT = "VoiceStorePortal-Webhooks/1"
EXCERPT_CHARS = 500


@dataclass(frozen=True)
class SendResult:
    ok: bool
    refused: bool = False
    status_code: int | None = None
    error: str = ""
    excerpt: str = ""
    duration_ms: int = 0


def body_of(payload: dict) -> str:
    """The exact text that is signed and sent (compact JSON, UTF-8)."""
    return json.dumps(payload, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False)


def signed_headers(*, secret: str, message_id: str, body: str, at: datetime) -> dict:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, at, body),
        "content-type": "application/json",
        "user-agent": USER_AGENT,
    }


def send(*, url: str, secret: str, message_id: str, payload: dict) -> SendResult:
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    problem = url_problem(url)
    parts = urlsplit(url)
    try:
        if problem:
            raise AddressRefused(problem)
        # url_problem refused a URL without a host name.
        ip = resolve_checked(
            parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80)
        )
    except AddressRefused as exc:
        return SendResult(ok=False, refused=True, error=str(exc)[:255], duration_ms=elapsed())

    body = body_of(payload)
    headers = signed_headers(secret=secret, message_id=message_id, body=body, at=datetime.now(UTC))
    with requests.Session() as session:
        session.trust_env = False  # no proxies or .netrc from the environment
        session.mount(f"{parts.scheme}://", PinnedAdapter(ip))
        try:
            response = session.post(
                url,
                data=body.encode(),
                headers=headers,
                timeout=(
                    settings.WEBHOOKS_CONNECT_TIMEOUT_SECONDS,
                    settings.WEBHOOKS_READ_TIMEOUT_SECONDS,
                ),
                allow_redirects=False,
                stream=True,
            )
        except requests.Timeout as exc:
            return SendResult(ok=False, error=f"Timed out: {exc}"[:255], duration_ms=elapsed())
        except requests.RequestException as exc:
            return SendResult(
                ok=False, error=f"Could not connect: {exc}"[:255], duration_ms=elapsed()
            )
        with response:
            try:
                # Only the start of the body is read: a huge answer costs nothing.
                raw = response.raw.read(EXCERPT_CHARS * 4, decode_content=True) or b""
            except Exception as exc:  # a body cut short still leaves the status to log
                raw = f"(body unreadable: {exc})".encode()
        excerpt = raw.decode("utf-8", errors="replace")[:EXCERPT_CHARS]
        code = response.status_code
        if 200 <= code < 300:
            return SendResult(ok=True, status_code=code, excerpt=excerpt, duration_ms=elapsed())
        error = f"HTTP {code}"
        if 300 <= code < 400:
            error += " (redirects are not followed)"
        return SendResult(
            ok=False, status_code=code, error=error, excerpt=excerpt, duration_ms=elapsed()
        )
