"""Property: whatever body reaches ``/alexa/``, the answer is a well-formed Alexa response or
HTTP 400, never 5xx, and a refused body writes nothing.

Bodies are mutated from valid Launch, Intent (with resolved and unmatched slots),
Connections.Response, SessionEnded and skill-event requests: a field dropped, nulled or
given another type, huge strings, control characters, lone surrogates, deep nesting; plus
bodies that are not JSON at all and wrong content types. Derandomized (the same cases on
every run), so a failure reproduces; Hypothesis prints the smallest failing body.
"""

import copy
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from demo.isp_seed import seed_demo_isp
from demo.seed import DEMO_SKILL_ID
from isp.models import IspSettings
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from orders.models import Customer, Order, OrderEvent
from skill import amazon_pay_sandbox
from skill.models import Conversation, Interaction
from skill.outcomes import Outcome
from skill.testing.envelopes import (
    Shopper,
    envelope,
    intent,
    launch,
    now_stamp,
    product_slot,
    session_ended,
)

from .alexa_api_stub import US_ADDRESS, Grant

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _patient_database(settings):
    """The property is about bodies, not about a slow machine: the turn's database deadline
    (tested on its own in ``test_database_outage.py``) must not turn a turn that a loaded CI
    machine makes slow into the skill's apology."""
    settings.ALEXA_DB_DEADLINE_SECONDS = 30.0


FUZZ = settings(
    max_examples=2500,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

WRITTEN = (Customer, Conversation, Interaction, Order, OrderEvent)


def rows() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in WRITTEN)


def valid_envelopes() -> list[dict]:
    kit = Product.objects.get(sku="NN-KIT")
    raw = [
        envelope(launch(), skill_id=DEMO_SKILL_ID, new=True),
        envelope(
            intent("OrderProductIntent", {"Product": product_slot(kit)}), skill_id=DEMO_SKILL_ID
        ),
        envelope(
            intent("OrderProductIntent", {"Product": product_slot(words="unicorn", no_match=True)}),
            skill_id=DEMO_SKILL_ID,
        ),
        envelope(intent("AMAZON.YesIntent", locale="de-DE"), skill_id=DEMO_SKILL_ID),
        envelope(session_ended(), skill_id=DEMO_SKILL_ID),
    ]
    base = raw[0]
    raw.append(
        {
            **copy.deepcopy(base),
            "request": {
                "type": "Connections.Response",
                "requestId": "amzn1.echo-api.request.fuzz-1",
                "timestamp": now_stamp(),
                "locale": "en-US",
                "name": "Charge",
                "status": {"code": "200", "message": "OK"},
                "payload": {
                    "authorizationDetails": {
                        "amazonAuthorizationId": "S01-0000000-0000000-A000000",
                        "authorizationAmount": {"amount": "9.00", "currencyCode": "USD"},
                        "authorizationStatus": {
                            "state": "Closed",
                            "reasonCode": "MaxCapturesProcessed",
                        },
                    },
                    "amazonOrderReferenceId": "S01-0000000-0000000",
                },
                "token": "token-that-matches-nothing",
            },
        }
    )
    raw.append(
        {
            "version": "1.0",
            "context": copy.deepcopy(base["context"]),
            "request": {
                "type": "AlexaSkillEvent.SkillEnabled",
                "requestId": "amzn1.echo-api.request.fuzz-2",
                "timestamp": now_stamp(),
                "eventCreationTime": now_stamp(),
                "eventPublishingTime": now_stamp(),
                "body": {},
            },
        }
    )
    return raw


def paths(value, prefix=()):
    """Every path to a member of the JSON tree (down to 12 levels: deeper is nesting the
    mutations made themselves)."""
    found = [prefix] if prefix else []
    if len(prefix) >= 12:
        return found
    if isinstance(value, dict):
        for key, member in value.items():
            found += paths(member, (*prefix, key))
    elif isinstance(value, list):
        for n, member in enumerate(value):
            found += paths(member, (*prefix, n))
    return found


def nested(depth: int):
    value: object = "bottom"
    for n in range(depth):
        value = [value] if n % 2 else {"x": value}
    return value


nasty_text = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "",
            "\x00",
            "amzn1.ask.account.\x00",
            "\ud800",
            "a\udfffb",
            "\x07\x1b[2J",
            "x" * 300,
            "x" * 70_000,
            "amzn1.ask.skill.7d3c1f0e-5a2b-4c8d-9e6f-0a1b2c3d4e5f",
            "en-US",
            "xx-XX",
            "2026-13-45T99:99:99Z",
            "Connections.Response",
            "AMAZON.StopIntent",
            "ER_SUCCESS_MATCH",
            "😀" * 50,
        ]
    ),
)
json_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(2**70), max_value=2**70),
        st.floats(allow_nan=False),
        nasty_text,
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(nasty_text, children, max_size=4)
    ),
    max_leaves=12,
)
MUTATIONS = ["drop", "null", "replace", "nest", "replace", "empty"]


@st.composite
def mutated(draw, bases):
    env = copy.deepcopy(draw(st.sampled_from(bases)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        where = paths(env)
        if not where:
            break
        path = draw(st.sampled_from(where))
        parent = env
        for key in path[:-1]:
            parent = parent[key]
        key = path[-1]
        kind = draw(st.sampled_from(MUTATIONS))
        if kind == "drop":
            del parent[key]
        elif kind == "null":
            parent[key] = None
        elif kind == "nest":
            parent[key] = nested(draw(st.sampled_from([30, 200, 900])))
        elif kind == "empty":
            parent[key] = draw(st.sampled_from([[], {}, ""]))
        else:
            parent[key] = draw(json_values)
    return env


def post(client, body: bytes | str, content_type="application/json"):
    return client.post("/alexa/", data=body, content_type=content_type)


def assert_answered_or_refused(response, before):
    event(f"HTTP {response.status_code}")  # shown by --hypothesis-show-statistics
    answered_or_refused(response, before)


def answered_or_refused(response, before):
    assert response.status_code < 500, response.content[:300]
    if response.status_code == 200:
        # A skill event is answered with an empty body (Alexa ignores the answer).
        answer = json.loads(response.content or b'{"version": "1.0", "response": {}}')
        assert answer["version"] == "1.0"
        body = answer["response"]
        assert isinstance(body, dict)
        speech = body.get("outputSpeech")
        if speech is not None:
            assert speech["type"] in {"SSML", "PlainText"}
            assert len(speech.get("ssml") or speech.get("text") or "") < 8000
        assert len(response.content) <= 24 * 1024
        # Answered by the skill itself: the apology (outcome "error") is for outages only.
        failed = Interaction.objects.filter(outcome=Outcome.ERROR)
        assert not failed.exists(), list(failed.values_list("error_code", "intent", "slots"))
    else:
        assert response.status_code == 400
        assert rows() == before


@pytest.fixture
def bases(demo_store, settings):
    settings.ALEXA_VERIFY_REQUESTS = False
    return valid_envelopes()


def test_every_valid_base_is_answered(client, bases):
    for env in bases:
        response = post(client, json.dumps(env))
        assert response.status_code == 200, (env["request"]["type"], response.content[:300])


@FUZZ
@given(data=st.data())
def test_mutated_envelopes_are_answered_or_refused_without_writing(client, bases, data):
    env = data.draw(mutated(bases))
    before = rows()
    try:
        body = json.dumps(env)
    except (ValueError, RecursionError):
        return  # not expressible as JSON: the next test sends raw bodies
    assert_answered_or_refused(post(client, body.encode("utf-8", "surrogatepass")), before)


@settings(FUZZ, max_examples=500)
@given(
    body=st.one_of(
        st.binary(max_size=200),
        st.text(max_size=200).map(lambda s: s.encode("utf-8", "surrogatepass")),
        st.sampled_from(
            [
                b"",
                b"null",
                b"[]",
                b"1e999",
                b'{"request": null}',
                b'{"request": {"type": null}}',
                b"[" * 100_000 + b"]" * 100_000,
                b'{"a":' * 50_000 + b"1" + b"}" * 50_000,
                b'{"version": "1.0", "request": {"type": "LaunchRequest", "locale": "\\ud800"}}',
                b"\xff\xfe\x00\x00",
                b'{"request": {"type": "IntentRequest"}} trailing',
            ]
        ),
    ),
    content_type=st.sampled_from(
        ["application/json", "text/plain", "application/x-www-form-urlencoded", ""]
    ),
)
def test_raw_bodies_and_content_types_never_get_a_server_error(client, bases, body, content_type):
    before = rows()
    assert_answered_or_refused(post(client, body, content_type), before)


# Amazon's side: Amazon Pay's results mid-checkout and the answers of Amazon's APIs ----------
#
# A shopper of the demo store is mid-checkout: Alexa's Setup and Charge results (as the Amazon
# Pay sandbox answers) are mutated anywhere in ``status`` and ``payload``, every member given
# another JSON type, dropped or nulled. Amazon's API answers (the device address, the profile
# email, the Monetization API's products) are drawn in every shape. Each is answered in words
# or refused with HTTP 400; never a 5xx, never the outage apology.

APOLOGY = "Sorry, something went wrong on our side."


@pytest.fixture
def amazon_pay_results(client, bases):
    """(Setup result, Charge result) for a shopper whose kit is in the cart."""
    shopper = Shopper(client, DEMO_SKILL_ID, user_id="amzn1.ask.account.FUZZ-CHECKOUT")
    kit = Product.objects.get(sku="NN-KIT")
    shopper.say("OrderProductIntent", Product=product_slot(kit))
    setup = amazon_pay_sandbox.response_envelope(shopper.last_envelope, shopper.yes())
    shopper.post(setup)
    charge = amazon_pay_sandbox.response_envelope(shopper.last_envelope, shopper.yes())
    return setup, charge


def assert_worded(response, before, *, record=False):
    if record:  # shown by --hypothesis-show-statistics
        last = Interaction.objects.order_by("-pk").first()
        event(f"HTTP {response.status_code}, {last.outcome if last else '-'}")
    answered_or_refused(response, before)
    if response.status_code == 200 and response.content:
        assert APOLOGY not in response.content.decode(), response.content[:300]


def member_paths(env: dict) -> list[tuple]:
    """Paths to ``request.status``, ``request.payload`` and every member below them."""
    request = env["request"]
    found = []
    for name in ("status", "payload"):
        if name in request:
            found += [("request", *path) for path in paths({name: request[name]})]
    return found


WRONG_TYPES = [None, "x", "", 0, -1, 2.5, True, [], ["x"], {}, {"x": "y"}, [[["deep"]]]]


@pytest.mark.parametrize("which", ["setup", "charge"])
def test_every_member_of_an_amazon_pay_result_in_another_type_is_answered_or_refused(
    client, amazon_pay_results, which
):
    """Every member of the Setup and Charge results, one at a time, in every other JSON type
    (and dropped): not one reaches a handler that cannot read it."""
    base = amazon_pay_results[0 if which == "setup" else 1]
    for path in member_paths(base):
        for value in [*WRONG_TYPES, "drop"]:
            env = copy.deepcopy(base)
            parent = env
            for key in path[:-1]:
                parent = parent[key]
            if value == "drop":
                del parent[path[-1]]
            elif type(value) is type(parent[path[-1]]) and value == parent[path[-1]]:
                continue
            else:
                parent[path[-1]] = value
            before = rows()
            assert_worded(post(client, json.dumps(env)), before)


@st.composite
def mutated_result(draw, bases):
    env = copy.deepcopy(draw(st.sampled_from(bases)))
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        where = member_paths(env)
        if not where:
            break
        path = draw(st.sampled_from(where))
        parent = env
        for key in path[:-1]:
            parent = parent[key]
        kind = draw(st.sampled_from(["drop", "null", "replace", "replace", "empty"]))
        if kind == "drop":
            del parent[path[-1]]
        elif kind == "null":
            parent[path[-1]] = None
        elif kind == "empty":
            parent[path[-1]] = draw(st.sampled_from([[], {}, ""]))
        else:
            parent[path[-1]] = draw(json_values)
    return env


@settings(FUZZ, max_examples=600)
@given(data=st.data())
def test_mutated_amazon_pay_results_are_answered_or_refused(client, amazon_pay_results, data):
    env = data.draw(mutated_result(list(amazon_pay_results)))
    before = rows()
    try:
        body = json.dumps(env)
    except (ValueError, RecursionError):
        return
    assert_worded(post(client, body.encode("utf-8", "surrogatepass")), before, record=True)


ADDRESS_KEYS = [*US_ADDRESS, "name", "x"]
address_answers = st.one_of(
    json_values,
    st.dictionaries(st.sampled_from(ADDRESS_KEYS), json_values, max_size=8),
    st.builds(
        lambda key, value: {**US_ADDRESS, key: value}, st.sampled_from(ADDRESS_KEYS), json_values
    ),
)


@pytest.fixture
def corner_shop(bases, alexa_api):
    store = StoreFactory(
        name="Corner Shop",
        payment_mode=PaymentMode.PAY_ON_DELIVERY,
        tax_rate=Decimal("0"),
        amazon_pay_seller_id="",
    )
    soap = ProductFactory(store=store, spoken_name="soap bar", price=Decimal("4.00"), stock=10**6)
    shopper = Shopper(
        client=None,
        skill_id=store.skill_ids.first().skill_id,
        consent=None,
        api_endpoint=alexa_api.url,
        api_token="fuzz",
    )
    return shopper, soap


@settings(FUZZ, max_examples=150)
@given(address=address_answers, email=json_values)
def test_device_address_and_profile_email_answers_of_any_shape(
    client, corner_shop, alexa_api, address, email
):
    shopper, soap = corner_shop
    shopper.client = client
    alexa_api.grants["fuzz"] = Grant(address=address, email=email)
    Customer.objects.filter(store=soap.store).update(shipping_address={}, email="")
    shopper.say("OrderProductIntent", Product=product_slot(soap))
    before = rows()
    response = post(client, json.dumps(shopper_envelope(shopper, intent("AMAZON.YesIntent"))))
    assert_worded(response, before, record=True)
    assert response.status_code == 200
    customer = Customer.objects.get(store=soap.store)
    assert all(isinstance(value, str) for value in customer.shipping_address.values())
    assert len(customer.email) <= 254


def shopper_envelope(shopper, request) -> dict:
    return envelope(
        request,
        skill_id=shopper.skill_id,
        user_id=shopper.user_id,
        consent=shopper.consent,
        api_endpoint=shopper.api_endpoint,
        api_token=shopper.api_token,
    )


PRODUCT = {
    "productId": "amzn1.adg.product.fuzz",
    "referenceName": "pro_pack",
    "type": "ENTITLEMENT",
    "name": "Pro Pack",
    "summary": "All the tips.",
    "entitled": "NOT_ENTITLED",
    "entitlementReason": "NOT_PURCHASED",
    "purchasable": "PURCHASABLE",
    "activeEntitlementCount": 0,
    "purchaseMode": "TEST",
}
product_answers = st.one_of(
    json_values,
    st.builds(
        lambda products, truncated, token: {
            "inSkillProducts": products,
            "isTruncated": truncated,
            "nextToken": token,
        },
        st.one_of(
            json_values,
            st.lists(
                st.one_of(
                    json_values,
                    st.builds(
                        lambda key, value: {**PRODUCT, key: value},
                        st.sampled_from(list(PRODUCT)),
                        json_values,
                    ),
                ),
                max_size=3,
            ),
        ),
        json_values,
        json_values,
    ),
)


@pytest.fixture
def isp_shop(bases, alexa_api):
    """An in-skill purchasing store that asks Amazon's Monetization API (the stub), not the
    portal's sandbox."""
    store = StoreFactory(name="Tips Shop", amazon_pay_seller_id="")
    seed_demo_isp(store)
    IspSettings.objects.filter(store=store).update(sandbox_mode=False)
    return Shopper(
        client=None,
        skill_id=store.skill_ids.first().skill_id,
        api_endpoint=alexa_api.url,
        api_token="fuzz-isp",
    )


@settings(FUZZ, max_examples=150)
@given(
    products=product_answers,
    name=st.sampled_from(["WhatCanIBuyIntent", "WhatHaveIBoughtIntent", "ContentIntent"]),
)
def test_monetization_api_answers_of_any_shape(client, isp_shop, alexa_api, products, name):
    isp_shop.client = client
    alexa_api.grants["fuzz-isp"] = Grant(products=products)
    before = rows()
    env = shopper_envelope(isp_shop, intent(name))  # a new session: Amazon is asked
    assert_worded(
        post(client, json.dumps(env).encode("utf-8", "surrogatepass")), before, record=True
    )
