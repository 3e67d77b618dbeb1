"""A platform that signs its requests (RFC 9421, its key in its profile): a good signature
is accepted; a changed body, a wrong signature or an unknown key is refused before
anything is written."""

import base64
import json
import time

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from django.test import Client

from ucp.models import CheckoutSession
from ucp.signing import content_digest, public_jwk, signature_base
from ucp.tests.conftest import roses
from ucp.tests.schema_check import assert_error

pytestmark = pytest.mark.django_db
PATH = "/ucp/flowers/checkout-sessions"


@pytest.fixture
def key(platform):
    private = ec.generate_private_key(ec.SECP256R1())
    platform.profile["signing_keys"] = [public_jwk(private.public_key(), "platform-1")]
    return private


def signed_headers(private, platform, body: bytes, *, kid: str = "platform-1") -> dict[str, str]:
    agent = platform.agent_header()
    digest = content_digest(body)
    components = [
        ("@method", "POST"),
        ("@authority", "testserver"),
        ("@path", PATH),
        ("ucp-agent", agent),
        ("content-digest", digest),
        ("content-type", "application/json"),
    ]
    names = " ".join(f'"{n}"' for n, _ in components)
    params = f'({names});created={int(time.time())};keyid="{kid}"'
    r, s = decode_dss_signature(
        private.sign(signature_base(components, params), ec.ECDSA(hashes.SHA256()))
    )
    value = base64.b64encode(r.to_bytes(32, "big") + s.to_bytes(32, "big")).decode()
    return {
        "UCP-Agent": agent,
        "Content-Digest": digest,
        "Signature-Input": f"sig1={params}",
        "Signature": f"sig1=:{value}:",
    }


def post(body: bytes, headers: dict[str, str]):
    return Client().post(PATH, data=body, content_type="application/json", headers=headers)


def test_a_signed_request_is_accepted(flowers, platform, key):
    body = json.dumps(roses()).encode()
    assert post(body, signed_headers(key, platform, body)).status_code == 201


@pytest.mark.parametrize(
    ("tamper", "status", "code"),
    [
        ("body", 400, "digest_mismatch"),
        ("signature", 401, "signature_invalid"),
        ("kid", 401, "key_not_found"),
        ("half", 401, "signature_missing"),
    ],
)
def test_a_bad_signature_is_refused_and_writes_nothing(
    flowers, platform, key, tamper, status, code
):
    body = json.dumps(roses()).encode()
    headers = signed_headers(key, platform, body, kid="other" if tamper == "kid" else "platform-1")
    if tamper == "body":
        body = json.dumps(roses(2)).encode()
    if tamper == "signature":
        other = ec.generate_private_key(ec.SECP256R1())
        headers["Signature"] = signed_headers(other, platform, body)["Signature"]
    if tamper == "half":
        del headers["Signature"]
    response = post(body, headers)
    assert response.status_code == status
    assert_error(response.json())
    assert response.json()["messages"][0]["code"] == code
    assert CheckoutSession.objects.count() == 0
