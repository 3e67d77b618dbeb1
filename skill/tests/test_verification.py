"""Request verification (certificate URL, chain, SAN, validity, signature, timestamp) with a
locally generated CA; rejected requests get HTTP 400 and touch no table."""

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import checks

from demo.seed import DEMO_SKILL_ID
from orders.models import Customer
from skill import verification
from skill.apps import check_verification
from skill.models import Interaction
from skill.testing.certs import CERT_URL, make_root, make_signer
from skill.testing.envelopes import envelope, launch
from skill.verification import RequestVerifier, VerificationFailed, check_cert_url


@pytest.fixture(scope="module")
def root():
    return make_root()


@pytest.fixture(scope="module")
def signer(root):
    return make_signer(root)


class Fetcher:
    """Stands in for the network: serves PEM chains by URL and counts fetches."""

    def __init__(self, chains: dict):
        self.chains = chains
        self.calls: list[tuple[str, float]] = []

    def __call__(self, url, timeout):
        self.calls.append((url, timeout))
        if url not in self.chains:
            raise OSError("404")
        return self.chains[url]


def body_for(request_dict_overrides=None, **kwargs) -> bytes:
    env = envelope(launch(), skill_id=DEMO_SKILL_ID, **kwargs)
    if request_dict_overrides:
        env["request"].update(request_dict_overrides)
    return json.dumps(env).encode()


def install(root, chains, timeout=2.5):
    fetcher = Fetcher(chains)
    verifier = RequestVerifier(roots=[root.cert], fetcher=fetcher, timeout=timeout)
    verification.set_verifier(verifier)
    return verifier, fetcher


def post(client, body: bytes, *, cert_url=CERT_URL, signature=""):
    headers = {}
    if cert_url is not None:
        headers["HTTP_SIGNATURECERTCHAINURL"] = cert_url
    if signature is not None:
        headers["HTTP_SIGNATURE_256"] = signature
    return client.post("/alexa/", data=body, content_type="application/json", **headers)


# The certificate URL rules ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "HTTPS://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
        "https://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
    ],
)
def test_certificate_urls_amazon_publishes_are_accepted(url):
    check_cert_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://notamazon.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
        "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
        "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem",
        "https://s3.amazonaws.com.evil.example/echo.api/cert.pem",
        "",
    ],
)
def test_certificate_urls_breaking_a_rule_are_rejected(url):
    with pytest.raises(VerificationFailed):
        check_cert_url(url)


# Through the endpoint --------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_correctly_signed_request_is_answered(client, demo_store, root, signer):
    verifier, fetcher = install(root, {CERT_URL: signer.chain_pem})
    body = body_for()
    response = post(client, body, signature=signer.sign(body))
    assert response.status_code == 200
    assert response.json()["response"]["outputSpeech"]["type"] == "SSML"
    assert Interaction.objects.count() == 1
    assert fetcher.calls == [(CERT_URL, 2.5)]


@pytest.mark.django_db
def test_the_certificate_chain_is_fetched_once_per_url(client, demo_store, root, signer):
    verifier, fetcher = install(root, {CERT_URL: signer.chain_pem})
    for _ in range(3):
        body = body_for()
        assert post(client, body, signature=signer.sign(body)).status_code == 200
    assert len(fetcher.calls) == 1


def _assert_rejected(client, django_assert_num_queries, body, **kwargs):
    before = (Interaction.objects.count(), Customer.objects.count())
    with django_assert_num_queries(0):
        response = post(client, body, **kwargs)
    assert response.status_code == 400
    assert (Interaction.objects.count(), Customer.objects.count()) == before
    return response


@pytest.mark.django_db
def test_a_bad_certificate_url_is_rejected_before_any_fetch(
    client, demo_store, root, signer, django_assert_num_queries
):
    _, fetcher = install(root, {CERT_URL: signer.chain_pem})
    body = body_for()
    bad = "https://s3.amazonaws.com/invalid.path/echo-api-cert-12.pem"
    _assert_rejected(
        client, django_assert_num_queries, body, cert_url=bad, signature=signer.sign(body)
    )
    assert fetcher.calls == []


@pytest.mark.django_db
def test_missing_headers_are_rejected(client, demo_store, root, signer, django_assert_num_queries):
    install(root, {CERT_URL: signer.chain_pem})
    body = body_for()
    _assert_rejected(
        client, django_assert_num_queries, body, cert_url=None, signature=signer.sign(body)
    )
    _assert_rejected(client, django_assert_num_queries, body, signature=None)


@pytest.mark.django_db
def test_a_signature_over_other_bytes_is_rejected(
    client, demo_store, root, signer, django_assert_num_queries
):
    install(root, {CERT_URL: signer.chain_pem})
    body = body_for()
    tampered = body.replace(b"LaunchRequest", b"LaunchRequest ", 1)
    _assert_rejected(client, django_assert_num_queries, tampered, signature=signer.sign(body))


@pytest.mark.django_db
def test_a_signature_that_is_not_base64_is_rejected(
    client, demo_store, root, signer, django_assert_num_queries
):
    install(root, {CERT_URL: signer.chain_pem})
    _assert_rejected(client, django_assert_num_queries, body_for(), signature="not base64!!")


@pytest.mark.django_db
def test_a_chain_from_an_untrusted_root_is_rejected(
    client, demo_store, root, django_assert_num_queries
):
    stranger = make_signer(make_root("Someone Else's CA"))
    install(root, {CERT_URL: stranger.chain_pem})
    body = body_for()
    _assert_rejected(client, django_assert_num_queries, body, signature=stranger.sign(body))


@pytest.mark.django_db
def test_a_certificate_for_another_name_is_rejected(
    client, demo_store, root, django_assert_num_queries
):
    other = make_signer(root, san="echo-api.example.com")
    install(root, {CERT_URL: other.chain_pem})
    body = body_for()
    _assert_rejected(client, django_assert_num_queries, body, signature=other.sign(body))


@pytest.mark.django_db
def test_an_expired_certificate_is_rejected(client, demo_store, root, django_assert_num_queries):
    now = datetime.now(UTC)
    expired = make_signer(
        root, not_before=now - timedelta(days=30), not_after=now - timedelta(days=1)
    )
    install(root, {CERT_URL: expired.chain_pem})
    body = body_for()
    _assert_rejected(client, django_assert_num_queries, body, signature=expired.sign(body))


@pytest.mark.django_db
def test_a_certificate_not_yet_valid_is_rejected(
    client, demo_store, root, django_assert_num_queries
):
    now = datetime.now(UTC)
    future = make_signer(
        root, not_before=now + timedelta(days=1), not_after=now + timedelta(days=9)
    )
    install(root, {CERT_URL: future.chain_pem})
    body = body_for()
    _assert_rejected(client, django_assert_num_queries, body, signature=future.sign(body))


@pytest.mark.django_db
def test_a_chain_that_cannot_be_fetched_is_rejected(
    client, demo_store, root, signer, django_assert_num_queries
):
    install(root, {})
    body = body_for()
    _assert_rejected(client, django_assert_num_queries, body, signature=signer.sign(body))


@pytest.mark.django_db
def test_a_chain_that_is_not_pem_is_rejected(
    client, demo_store, root, signer, django_assert_num_queries
):
    install(root, {CERT_URL: b"hello"})
    body = body_for()
    _assert_rejected(client, django_assert_num_queries, body, signature=signer.sign(body))


@pytest.mark.django_db
@pytest.mark.parametrize("seconds", [-151, 151, 3600])
def test_a_request_outside_150_seconds_is_rejected(
    client, demo_store, root, signer, django_assert_num_queries, seconds
):
    install(root, {CERT_URL: signer.chain_pem})
    now = datetime.now(UTC).replace(microsecond=0)
    stamp = (now + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = body_for({"timestamp": stamp})
    # The clock stands still while the request is checked: on a slow machine the seconds
    # spent signing would otherwise bring a stamp 151 s ahead back inside the window.
    with time_machine.travel(now, tick=False):
        _assert_rejected(client, django_assert_num_queries, body, signature=signer.sign(body))


@pytest.mark.django_db
def test_a_request_140_seconds_old_is_accepted(client, demo_store, root, signer):
    install(root, {CERT_URL: signer.chain_pem})
    stamp = (datetime.now(UTC) - timedelta(seconds=140)).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = body_for({"timestamp": stamp})
    assert post(client, body, signature=signer.sign(body)).status_code == 200


def _skill_event(minutes_old: int) -> bytes:
    env = envelope(launch(), skill_id=DEMO_SKILL_ID)
    stamp = (datetime.now(UTC) - timedelta(minutes=minutes_old)).strftime("%Y-%m-%dT%H:%M:%SZ")
    env["request"] = {
        "type": "AlexaSkillEvent.SkillEnabled",
        "requestId": "amzn1.echo-api.request.event",
        "timestamp": stamp,
        "eventCreationTime": stamp,
        "eventPublishingTime": stamp,
    }
    return json.dumps(env).encode()


@pytest.mark.django_db
def test_skill_events_may_be_up_to_an_hour_old(
    client, demo_store, root, signer, django_assert_num_queries
):
    install(root, {CERT_URL: signer.chain_pem})
    body = _skill_event(minutes_old=30)
    response = post(client, body, signature=signer.sign(body))
    assert (response.status_code, response.content) == (200, b"")  # skill events: no body
    body = _skill_event(minutes_old=61)
    _assert_rejected(client, django_assert_num_queries, body, signature=signer.sign(body))


def test_the_verifier_passes_its_timeout_to_the_fetcher(root, signer):
    fetcher = Fetcher({CERT_URL: signer.chain_pem})
    verifier = RequestVerifier(roots=[root.cert], fetcher=fetcher, timeout=1.5)
    body = body_for()
    assert (
        verifier.verify(body=body, cert_url=CERT_URL, signature=signer.sign(body))["version"]
        == "1.0"
    )
    assert fetcher.calls == [(CERT_URL, 1.5)]


def test_the_process_verifier_uses_the_configured_timeout(settings):
    settings.ALEXA_CERT_FETCH_TIMEOUT = 0.75
    assert verification.get_verifier().timeout == 0.75
    assert verification.get_verifier() is verification.get_verifier()


@pytest.mark.django_db
def test_rejections_go_to_the_application_log(client, demo_store, root, signer, caplog):
    install(root, {CERT_URL: signer.chain_pem})
    with caplog.at_level(logging.WARNING, logger="skill.endpoint"):
        post(client, body_for(), signature="AAAA")
    assert any("verification failed" in r.getMessage() for r in caplog.records)
    assert Interaction.objects.count() == 0


def test_turning_verification_off_without_debug_warns(settings):
    settings.ALEXA_VERIFY_REQUESTS = False
    settings.DEBUG = False
    warnings = check_verification()
    assert [w.id for w in warnings] == ["skill.W001"]
    assert isinstance(warnings[0], checks.Warning)
    assert "ALEXA_VERIFY_REQUESTS" in warnings[0].msg


def test_no_warning_when_verifying_or_debugging(settings):
    settings.ALEXA_VERIFY_REQUESTS = True
    settings.DEBUG = False
    assert check_verification() == []
    settings.ALEXA_VERIFY_REQUESTS = False
    settings.DEBUG = True
    assert check_verification() == []
