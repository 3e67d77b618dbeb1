"""Verifying a platform's signed request (signatures.md, REST Request Verification).

Signing is one of the authentication mechanisms a platform may choose: a request without
``Signature``/``Signature-Input`` is not checked here. A signed one must verify against a
key of the platform's profile (``signing_keys``, P-256), its ``Content-Digest`` must match
the raw body, and a body must be covered by the signature; else the spec's errors:
401 ``signature_missing``/``signature_invalid``/``key_not_found``, 400 ``digest_mismatch``
or ``algorithm_unsupported``.
"""

import re
from typing import Any

from django.http import HttpRequest

from .protocol import UcpError
from .signing import content_digest, verify

_INPUT = re.compile(r"^\s*(?P<label>[A-Za-z*][\w*.-]*)=(?P<params>\((?P<names>[^)]*)\).*)$")


def _refused(status: int, code: str, content: str) -> UcpError:
    return UcpError(status, code, content, severity="unrecoverable")


def _component(request: HttpRequest, name: str) -> str:
    if name == "@method":
        return (request.method or "").upper()
    if name == "@authority":
        return request.get_host().lower()
    if name == "@path":
        return request.path
    if name == "@query":
        return "?" + request.META.get("QUERY_STRING", "")
    value = request.headers.get(name)
    if value is None:
        raise _refused(401, "signature_invalid", f"The signed header {name} is missing.")
    return value.strip()


def verify_request(request: HttpRequest, signing_keys: list[dict[str, Any]]) -> None:
    signature_input = request.headers.get("Signature-Input", "")
    signature = request.headers.get("Signature", "")
    if not signature_input and not signature:
        return
    if not (signature_input and signature):
        raise _refused(401, "signature_missing", "Signature and Signature-Input go together.")
    match = _INPUT.match(signature_input.split(",")[0])
    if match is None:
        raise _refused(401, "signature_invalid", "Signature-Input cannot be read.")
    label, params = match.group("label"), match.group("params")
    names = re.findall(r'"([^"]+)"', match.group("names"))
    keyid = re.search(r';\s*keyid="([^"]+)"', params)
    value = re.search(re.escape(label) + r"=:([A-Za-z0-9+/=]+):", signature)
    if keyid is None or value is None:
        raise _refused(401, "signature_invalid", "The signature has no key id or value.")
    jwk = next(
        (k for k in signing_keys if isinstance(k, dict) and k.get("kid") == keyid.group(1)), None
    )
    if jwk is None:
        raise _refused(
            401, "key_not_found", f"Key {keyid.group(1)} is not in the platform's profile."
        )
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise _refused(400, "algorithm_unsupported", "This business verifies ES256 (P-256) keys.")
    if request.body:
        if "content-digest" not in names:
            raise _refused(401, "signature_invalid", "The signature does not cover the body.")
        if request.headers.get("Content-Digest", "").strip() != content_digest(request.body):
            raise _refused(400, "digest_mismatch", "Content-Digest does not match the body.")
    components = [(name, _component(request, name)) for name in names]
    try:
        ok = verify(jwk=jwk, components=components, params=params, signature_b64=value.group(1))
    except (ValueError, KeyError):
        ok = False
    if not ok:
        raise _refused(
            401,
            "signature_invalid",
            f"The request signature does not verify (key {keyid.group(1)}).",
        )
