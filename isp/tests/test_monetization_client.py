"""The Monetization API client against Amazon's hosts that are slow, down or odd: the skill
always gets an answer, "unavailable" when Amazon cannot be used, and never an exception."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from isp.monetization import fetch_in_skill_product, fetch_in_skill_products
from isp.tests.factories import sandbox_on
from merchant.tests.factories import StoreFactory

pytestmark = pytest.mark.django_db

PRODUCT = {
    "productId": "amzn1.adg.product.1",
    "referenceName": "pro_pack",
    "type": "ENTITLEMENT",
    "name": "Pro Pack",
    "summary": "Tips.",
    "entitled": "NOT_ENTITLED",
    "entitlementReason": "NOT_PURCHASED",
    "purchasable": "PURCHASABLE",
    "activeEntitlementCount": 0,
    "purchaseMode": "LIVE",
}


class FakeAmazon:
    """A local server standing in for the sandbox base URL; ``behaviour`` decides answers."""

    def __init__(self):
        self.behaviour = lambda handler: (200, {"inSkillProducts": [PRODUCT]})
        self.requests = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                fake.requests.append((self.path, dict(self.headers)))
                status, body = fake.behaviour(self)
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def amazon(settings):
    fake = FakeAmazon()
    settings.ISP_SANDBOX_BASE_URL = fake.url
    settings.ISP_API_TIMEOUT_SECONDS = 0.3
    yield fake
    fake.server.shutdown()
    fake.server.server_close()


@pytest.fixture
def store():
    return sandbox_on(StoreFactory())


def fetch(store, **kw):
    return fetch_in_skill_products(
        store=store, api_endpoint="", api_access_token="tok", locale="en-GB", **kw
    )


def test_sends_the_token_language_and_paging_parameters(amazon, store):
    result = fetch(store, max_results=20, entitled="ENTITLED")
    assert result.available and result.products[0].reference_name == "pro_pack"
    path, headers = amazon.requests[0]
    assert path == (
        "/v1/users/~current/skills/~current/inSkillProducts?maxResults=20&entitled=ENTITLED"
    )
    assert headers["Authorization"] == "Bearer tok"
    assert headers["Accept-Language"] == "en-GB"


def test_a_slow_amazon_is_unavailable_within_the_timeout(amazon, store):
    amazon.behaviour = lambda h: (time.sleep(1.5), (200, {"inSkillProducts": []}))[1]
    started = time.monotonic()
    result = fetch(store)
    assert result.available is False and result.products == ()
    assert result.reason == "ReadTimeout"
    assert time.monotonic() - started < 1.0


@pytest.mark.parametrize(
    "answer, reason",
    [
        ((500, {"message": "Internal"}), "HTTP 500"),
        ((401, {"message": "Unauthorized"}), "HTTP 401"),
        ((200, b"<html>"), "body is not JSON"),
        ((200, {"products": []}), "no inSkillProducts list"),
        ((200, {"inSkillProducts": [{**PRODUCT, "purchasable": "SOMETHING_NEW"}]}), None),
        ((200, {"inSkillProducts": [{**PRODUCT, "activeEntitlementCount": "1"}]}), None),
        ((302, {}), "HTTP 302"),
    ],
)
def test_failing_or_odd_answers_are_unavailable(amazon, store, answer, reason):
    amazon.behaviour = lambda h: answer
    result = fetch(store)
    assert result.available is False
    if reason:
        assert result.reason == reason


def test_a_server_that_is_down_is_unavailable(amazon, store, settings):
    settings.ISP_SANDBOX_BASE_URL = "http://127.0.0.1:9"
    assert fetch(store).available is False
    single = fetch_in_skill_product(
        store=store, api_endpoint="", api_access_token="tok", locale="en-US", product_id="x"
    )
    assert single.available is False


def test_only_alexa_api_hosts_over_https_are_called_for_live_stores(amazon):
    live = StoreFactory()
    for endpoint in ["https://evil.example.com", "http://api.amazonalexa.com", ""]:
        result = fetch_in_skill_products(
            store=live, api_endpoint=endpoint, api_access_token="tok", locale="en-US"
        )
        assert result.available is False
        assert "not an allowed Alexa API host" in result.reason
    assert amazon.requests == []


def test_endless_paging_stops(amazon, store):
    amazon.behaviour = lambda h: (
        200,
        {"inSkillProducts": [PRODUCT], "isTruncated": True, "nextToken": "again"},
    )
    assert fetch(store).available is False
