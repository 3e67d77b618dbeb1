"""HTTP Message Signatures (RFC 9421) as signatures.md describes them for the REST binding:
ES256 (P-256, SHA-256) with the raw ``r||s`` signature, ``Content-Digest`` (RFC 9530,
sha-256 of the raw body), keys published as JWKs in the store's profile (``signing_keys``).

A store's key is made on first use and kept encrypted (``SigningKey``); the newest active
key signs, every active key is published (rotation adds a key before the old one goes).
"""

import base64
import hashlib
import time
from urllib.parse import urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)
from django.db import transaction
from django.utils import timezone

from merchant.models import Store

from .models import SigningKey

COORDINATE_BYTES = 32  # P-256


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_jwk(public_key: ec.EllipticCurvePublicKey, kid: str) -> dict[str, str]:
    numbers = public_key.public_numbers()
    return {
        "kid": kid,
        "kty": "EC",
        "crv": "P-256",
        "x": _b64url(numbers.x.to_bytes(COORDINATE_BYTES, "big")),
        "y": _b64url(numbers.y.to_bytes(COORDINATE_BYTES, "big")),
        "use": "sig",
        "alg": "ES256",
    }


def jwk_public_key(jwk: dict[str, str]) -> ec.EllipticCurvePublicKey:
    x = int.from_bytes(_b64url_decode(jwk["x"]), "big")
    y = int.from_bytes(_b64url_decode(jwk["y"]), "big")
    return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()


def signing_key_rotate(*, store: Store) -> SigningKey:
    """A new P-256 key for the store; it signs from now on, older keys stay published."""
    private = ec.generate_private_key(ec.SECP256R1())
    kid = f"{store.slug}-{timezone.now():%Y%m%d%H%M%S%f}"
    key = SigningKey(store=store, kid=kid, public_jwk=public_jwk(private.public_key(), kid))
    key.private_key_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    key.save()
    return key


def current_key(store: Store) -> SigningKey:
    """The store's newest active key, made on first use (the store row's lock makes two
    requests at once make one)."""
    key = SigningKey.objects.filter(store=store, active=True).first()
    if key is not None:
        return key
    with transaction.atomic():
        Store.objects.select_for_update().filter(pk=store.pk).first()
        key = SigningKey.objects.filter(store=store, active=True).first()
        return key or signing_key_rotate(store=store)


def published_keys(store: Store) -> list[dict[str, str]]:
    current_key(store)
    return [k.public_jwk for k in SigningKey.objects.filter(store=store, active=True)]


def content_digest(body: bytes) -> str:
    return "sha-256=:" + base64.b64encode(hashlib.sha256(body).digest()).decode() + ":"


def signature_base(components: list[tuple[str, str]], params: str) -> bytes:
    """RFC 9421 section 2.5: one line per covered component, then ``@signature-params``."""
    lines = [f'"{name}": {value}' for name, value in components]
    lines.append(f'"@signature-params": {params}')
    return "\n".join(lines).encode()


def _params(names: list[str], created: int, kid: str) -> str:
    inner = " ".join(f'"{n}"' for n in names)
    return f'({inner});created={created};keyid="{kid}"'


def _sign(key: SigningKey, base: bytes) -> str:
    private = serialization.load_pem_private_key(key.private_key_pem.encode(), password=None)
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    der = private.sign(base, ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    raw = r.to_bytes(COORDINATE_BYTES, "big") + s.to_bytes(COORDINATE_BYTES, "big")
    return base64.b64encode(raw).decode()


def sign_request(
    *, store: Store, method: str, url: str, body: bytes, headers: dict[str, str]
) -> dict[str, str]:
    """Headers that sign a request with a body: ``Content-Digest``, ``Signature-Input`` and
    ``Signature`` over method, authority, path, content digest and type, and ``ucp-agent``
    when ``headers`` carry it."""
    key = current_key(store)
    parts = urlsplit(url)
    lowered = {k.lower(): v for k, v in headers.items()}
    digest = content_digest(body)
    components = [
        ("@method", method.upper()),
        ("@authority", parts.netloc.lower()),
        ("@path", parts.path or "/"),
    ]
    if parts.query:
        components.append(("@query", "?" + parts.query))
    components += [
        ("content-digest", digest),
        ("content-type", lowered.get("content-type", "application/json")),
    ]
    if "ucp-agent" in lowered:
        components.append(("ucp-agent", lowered["ucp-agent"]))
    params = _params([n for n, _ in components], int(time.time()), key.kid)
    signature = _sign(key, signature_base(components, params))
    return {
        "Content-Digest": digest,
        "Signature-Input": f"sig1={params}",
        "Signature": f"sig1=:{signature}:",
    }


def sign_response(*, store: Store, status: int, body: bytes, content_type: str) -> dict[str, str]:
    """Headers that sign a response (``@status``, content digest and type)."""
    key = current_key(store)
    digest = content_digest(body)
    components = [
        ("@status", str(status)),
        ("content-digest", digest),
        ("content-type", content_type),
    ]
    params = _params([n for n, _ in components], int(time.time()), key.kid)
    signature = _sign(key, signature_base(components, params))
    return {
        "Content-Digest": digest,
        "Signature-Input": f"sig1={params}",
        "Signature": f"sig1=:{signature}:",
    }


def verify(
    *, jwk: dict[str, str], components: list[tuple[str, str]], params: str, signature_b64: str
) -> bool:
    """Whether ``signature_b64`` (raw r||s) signs these components under ``jwk``."""
    raw = base64.b64decode(signature_b64)
    if len(raw) != 2 * COORDINATE_BYTES:
        return False
    r = int.from_bytes(raw[:COORDINATE_BYTES], "big")
    s = int.from_bytes(raw[COORDINATE_BYTES:], "big")
    try:
        jwk_public_key(jwk).verify(
            encode_dss_signature(r, s),
            signature_base(components, params),
            ec.ECDSA(hashes.SHA256()),
        )
    except Exception:  # InvalidSignature, or a key that is not a P-256 point
        return False
    return True
