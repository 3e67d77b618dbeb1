"""The one client for Amazon's APIs against a real local server: where it may call, how long
it waits, what it makes of TLS, redirects and failures."""

import json
import socket
import time

import pytest
import requests

from alexa import http

from .stand_in import start


@pytest.fixture
def plain():
    stand_in = start(tls=False)
    yield stand_in
    stand_in.stop()


@pytest.fixture
def amazon(monkeypatch):
    """An HTTPS stand-in whose CA the client trusts (as it trusts Amazon's)."""
    stand_in = start(tls=True)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", stand_in.ca_file)
    yield stand_in
    stand_in.stop()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Allow-listing -------------------------------------------------------------------------------


def test_an_allow_listed_https_host_is_called_with_what_the_caller_sends(amazon):
    amazon.body = json.dumps({"access_token": "t"}).encode()
    response = http.post(
        f"{amazon.url}/auth/o2/token",
        allowed=http.amazon_hosts([amazon.netloc]),
        timeout=2,
        data={"grant_type": "client_credentials"},
        headers={"Accept": "application/json"},
    )
    assert (response.status_code, response.json()) == (200, {"access_token": "t"})
    (seen,) = amazon.seen
    assert (seen.method, seen.path, seen.body) == (
        "POST",
        "/auth/o2/token",
        b"grant_type=client_credentials",
    )
    assert seen.headers["Accept"] == "application/json"
    response = http.get(
        f"{amazon.url}/v1/x",
        allowed=http.amazon_hosts([amazon.netloc]),
        timeout=2,
        params={"maxResults": 2},
        headers={"Authorization": "Bearer tok"},
    )
    assert response.status_code == 200
    assert amazon.seen[1].path == "/v1/x?maxResults=2"
    assert amazon.seen[1].headers["Authorization"] == "Bearer tok"


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.com/v1/x",  # another host
        "http://{netloc}/v1/x",  # not HTTPS
        "https://user@{netloc}/v1/x",  # user info: not the host as listed
        "https://127.0.0.1:{other_port}/v1/x",  # another port
        "https://localhost:{port}/v1/x",  # another spelling of the same machine
        "{netloc}/v1/x",  # no scheme
        "",
    ],
)
def test_anything_but_an_allow_listed_https_host_is_never_called(amazon, url):
    port = int(amazon.netloc.rsplit(":", 1)[1])
    url = url.format(netloc=amazon.netloc, port=port, other_port=port + 1)
    allowed = http.amazon_hosts([amazon.netloc])
    assert not allowed.allows(url)
    for call in (http.get, http.post):
        with pytest.raises(http.HostNotAllowed) as refused:
            call(url, allowed=allowed, timeout=2)
        assert refused.value.kind == "HostNotAllowed"
        assert str(refused.value).startswith("not an allowed Amazon host: ")
        assert "/v1/x" not in str(refused.value)
    assert amazon.seen == []


def test_an_empty_allow_list_calls_nothing(amazon):
    with pytest.raises(http.HostNotAllowed):
        http.get(f"{amazon.url}/v1/x", allowed=http.amazon_hosts([]), timeout=2)
    assert amazon.seen == []


def test_a_sandbox_origin_is_called_over_its_own_scheme_and_nothing_else(plain, amazon):
    allowed = http.sandbox_origin(f"{plain.url}/sandbox/monetization")
    response = http.get(f"{plain.url}/sandbox/monetization/v1/x", allowed=allowed, timeout=2)
    assert response.status_code == 200
    assert [seen.path for seen in plain.seen] == ["/sandbox/monetization/v1/x"]
    for url in (f"{amazon.url}/v1/x", f"https://{plain.netloc}/v1/x"):
        with pytest.raises(http.HostNotAllowed):
            http.get(url, allowed=allowed, timeout=2)
    assert amazon.seen == []
    assert http.sandbox_origin("") == http.AllowList(frozenset())
    assert not http.sandbox_origin("not a url").allows("not a url/v1/x")


# TLS -------------------------------------------------------------------------------------


def test_a_certificate_the_client_does_not_trust_is_unreachable(monkeypatch):
    stand_in = start(tls=True)  # its CA is not in the bundle the client trusts
    try:
        with pytest.raises(http.Unreachable) as failed:
            http.get(
                f"{stand_in.url}/v1/x", allowed=http.amazon_hosts([stand_in.netloc]), timeout=2
            )
    finally:
        stand_in.stop()
    assert failed.value.kind == "SSLError"
    assert str(failed.value) == f"{stand_in.netloc}: SSLError"
    assert stand_in.seen == []


# Timeouts --------------------------------------------------------------------------------


def test_a_slow_answer_is_unreachable_within_the_timeout(amazon):
    amazon.delay = 1.5
    started = time.monotonic()
    with pytest.raises(http.Unreachable) as failed:
        http.get(f"{amazon.url}/v1/x", allowed=http.amazon_hosts([amazon.netloc]), timeout=0.3)
    assert time.monotonic() - started < 1.0
    assert failed.value.kind == "ReadTimeout"
    assert (failed.value.netloc, str(failed.value)) == (
        amazon.netloc,
        f"{amazon.netloc}: ReadTimeout",
    )


def test_a_host_that_does_not_answer_is_unreachable():
    netloc = f"127.0.0.1:{free_port()}"
    with pytest.raises(http.Unreachable) as failed:
        http.post(f"https://{netloc}/v1/x", allowed=http.amazon_hosts([netloc]), timeout=1)
    assert failed.value.kind == "ConnectionError"
    assert not isinstance(failed.value, http.HostNotAllowed)
    assert isinstance(failed.value.__cause__, requests.ConnectionError)


# Answers ---------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [204, 400, 401, 403, 404, 429, 500, 503])
def test_every_http_status_is_an_answer_for_the_caller(amazon, status):
    amazon.status, amazon.body = status, b'{"message": "m"}'
    response = http.get(f"{amazon.url}/v1/x", allowed=http.amazon_hosts([amazon.netloc]), timeout=2)
    assert response.status_code == status


def test_a_redirect_is_an_answer_never_followed(amazon):
    amazon.status = 302
    amazon.headers = {"Location": "https://evil.example.com/steal"}
    response = http.get(f"{amazon.url}/v1/x", allowed=http.amazon_hosts([amazon.netloc]), timeout=2)
    assert response.status_code == 302
    assert [seen.path for seen in amazon.seen] == ["/v1/x"]


@pytest.mark.parametrize(
    "status, retry",
    [(200, False), (202, False), (400, False), (401, False), (403, False), (404, False),
     (429, True), (500, True), (502, True), (503, True)],
)  # fmt: skip
def test_throttling_and_server_errors_are_retryable(status, retry):
    assert http.retryable(status) is retry
