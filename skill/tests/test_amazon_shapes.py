"""What Amazon sends and answers, in another shape than it documents: Amazon Pay's Setup and
Charge results mid-checkout, the Device Settings and Customer Profile APIs' answers, and a
request that names no user. Each is refused with HTTP 400 before the database, or answered
in words; none ends in the apology kept for outages."""

import json
from decimal import Decimal

import pytest

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from demo.seed import DEMO_SKILL_ID
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from orders.models import Customer, Order, OrderStatus, PaymentTransaction
from skill import amazon_pay_sandbox
from skill.models import Conversation, Interaction, Step
from skill.outcomes import Outcome
from skill.speech import de_DE, en_US
from skill.testing.envelopes import envelope, intent, product_slot, speech_of

from .alexa_api_stub import US_ADDRESS, Grant

pytestmark = pytest.mark.django_db

OUTAGE = en_US.APOLOGY


def post(client, env):
    return client.post("/alexa/", data=json.dumps(env), content_type="application/json")


def state():
    """What a refused request must leave as it was."""
    return (
        list(Customer.objects.values_list("billing_agreement_id", "shipping_address")),
        list(Conversation.objects.values_list("step", "order_id")),
        list(Order.objects.values_list("status", flat=True)),
        Interaction.objects.count(),
        PaymentTransaction.objects.count(),
    )


def setup_result(shopper):
    """The shopper said yes to the kit: Alexa's Setup result, as the sandbox answers."""
    kit = Product.objects.get(sku="NN-KIT")
    shopper.say("OrderProductIntent", Product=product_slot(kit))
    answer = shopper.yes()
    return amazon_pay_sandbox.response_envelope(shopper.last_envelope, answer)


def charge_result(shopper):
    """Setup done and the summary confirmed: Alexa's Charge result, as the sandbox answers."""
    shopper.post(setup_result(shopper))
    answer = shopper.yes()
    return amazon_pay_sandbox.response_envelope(shopper.last_envelope, answer)


# Amazon Pay's results ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("details", "reason"),
    [
        ("OPEN", "request.payload.billingAgreementDetails: must be an object"),
        (["OPEN"], "request.payload.billingAgreementDetails: must be an object"),
    ],
)
def test_a_setup_result_whose_details_are_not_an_object_gets_400(client, shopper, details, reason):
    env = setup_result(shopper)
    env["request"]["payload"]["billingAgreementDetails"] = details
    before = state()
    response = post(client, env)
    assert (response.status_code, response.content.decode()) == (400, reason)
    assert state() == before


def test_an_address_line_that_is_a_list_gets_400(client, shopper):
    env = setup_result(shopper)
    destination = env["request"]["payload"]["billingAgreementDetails"]["destination"]
    destination["addressLine1"] = ["410 Terry Ave N"]
    before = state()
    response = post(client, env)
    assert (response.status_code, response.content.decode()) == (
        400,
        "request.payload.billingAgreementDetails.destination.addressLine1: must be a string",
    )
    assert state() == before


@pytest.mark.parametrize(
    ("member", "value", "reason"),
    [
        ("authorizationStatus", "Closed", "must be an object"),
        ("authorizationAmount", ["9.72"], "must be an object"),
        ("idList", 5, "must be a list"),
        ("captureNow", "yes", "must be true or false"),
        ("amazonAuthorizationId", "A" * 81, "longer than 80 characters"),
    ],
)
def test_a_charge_result_of_another_shape_gets_400_and_places_nothing(
    client, shopper, member, value, reason
):
    env = charge_result(shopper)
    env["request"]["payload"]["authorizationDetails"][member] = value
    before = state()
    response = post(client, env)
    assert (response.status_code, response.content.decode()) == (
        400,
        f"request.payload.authorizationDetails.{member}: {reason}",
    )
    assert state() == before
    assert Order.objects.get().status == OrderStatus.DRAFT
    # The same result in Amazon's shape places the order.
    env["request"]["payload"] = charge_result_payload(shopper)
    assert speech_of(shopper.post(env)).startswith("9 dollars and 72 cents will be paid")


def charge_result_payload(shopper):
    return amazon_pay_sandbox.response_envelope(shopper.last_envelope, shopper.last_answer)[
        "request"
    ]["payload"]


def test_a_charge_amount_that_is_not_a_finite_amount_books_the_orders_total(client, shopper):
    env = charge_result(shopper)
    env["request"]["payload"]["authorizationDetails"]["authorizationAmount"]["amount"] = "NaN"
    answer = shopper.post(env)
    assert speech_of(answer).startswith("9 dollars and 72 cents will be paid")
    assert PaymentTransaction.objects.get(kind="authorization").amount == Decimal("9.72")


@pytest.mark.parametrize("speech", [en_US, de_DE])
def test_an_address_kept_with_a_line_that_is_not_text_is_spoken_without_it(speech):
    kept = {"addressLine1": ["410 Terry Ave N"], "addressLine2": 7, "city": "Seattle"}
    assert speech.address(kept) == "Seattle"


# A request that names no user --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "outcome", "words"),
    [
        ("OrderStatusIntent", Outcome.NO_ORDERS, en_US.NO_ORDERS),
        ("CancelOrderIntent", Outcome.NOTHING_TO_CANCEL, en_US.NOTHING_TO_CANCEL),
        ("ReorderIntent", Outcome.NO_ORDERS, en_US.NO_ORDERS),
        ("CancelRefillPlanIntent", Outcome.NO_REFILL_PLAN, en_US.NO_REFILL_PLAN),
        ("RefundIntent", Outcome.REFUND_GUIDANCE, "Unopened items can be returned"),
    ],
)
def test_a_question_about_my_orders_without_a_user_is_answered_in_words(
    client, demo_store, unverified, name, outcome, words
):
    env = envelope(intent(name), skill_id=DEMO_SKILL_ID)
    del env["context"]["System"]["user"], env["session"]["user"]
    response = post(client, env)
    assert response.status_code == 200
    text = speech_of(response.json())
    assert text.startswith(words) and OUTAGE not in text
    assert "told the support team" not in text  # nobody to tell them about
    assert Interaction.objects.get().outcome == outcome
    assert Customer.objects.count() == 0


# The Alexa APIs' answers -------------------------------------------------------------------------


@pytest.fixture
def corner_shop(db):
    store = StoreFactory(
        name="Corner Shop",
        payment_mode=PaymentMode.PAY_ON_DELIVERY,
        tax_rate=Decimal("0"),
        amazon_pay_seller_id="",
    )
    return store, ProductFactory(store=store, spoken_name="soap bar", price=Decimal("4.00"))


def order_soap(make_shopper, store, soap, alexa_api, grant):
    alexa_api.grants["token"] = grant
    shopper = make_shopper(store, consent=None, api_endpoint=alexa_api.url, api_token="token")
    shopper.say("OrderProductIntent", Product=product_slot(soap))
    return shopper.yes()


@pytest.mark.parametrize(
    "answer",
    [
        [US_ADDRESS],
        "100 Main Street",
        7,
        {**US_ADDRESS, "addressLine1": ["100 Main Street"]},
        {**US_ADDRESS, "city": {"name": "Springfield"}},
        {**US_ADDRESS, "postalCode": 62701},
        {**US_ADDRESS, "addressLine1": "x" * 201},
        {**US_ADDRESS, "addressLine1": "100 Main\x00Street"},  # PostgreSQL cannot keep it
        {**US_ADDRESS, "city": "Spring\ud800field"},
    ],
)
def test_a_device_address_of_another_shape_is_not_available_in_words(
    make_shopper, corner_shop, alexa_api, answer
):
    store, soap = corner_shop
    said = order_soap(make_shopper, store, soap, alexa_api, Grant(address=answer, email=None))
    assert speech_of(said) == en_US.ADDRESS_UNAVAILABLE
    assert Interaction.objects.filter(outcome=Outcome.ADDRESS_UNAVAILABLE).count() == 1
    assert Customer.objects.get().shipping_address == {}
    assert Order.objects.get().status == OrderStatus.DRAFT


@pytest.mark.parametrize(
    "answer",
    [
        ["jane@example.com"],
        {"email": "jane@example.com"},
        7,
        "a@" + "x" * 300,
        "x@",
        "jane\x00@example.com",
    ],
)
def test_a_profile_email_of_another_shape_is_left_out(make_shopper, corner_shop, alexa_api, answer):
    store, soap = corner_shop
    said = order_soap(make_shopper, store, soap, alexa_api, Grant(address=US_ADDRESS, email=answer))
    assert speech_of(said).endswith("Do you want me to complete your order now?")
    customer = Customer.objects.get()
    assert customer.email == ""
    assert customer.shipping_address["addressLine1"] == "100 Main Street"
    assert Step.CONFIRM_ORDER == Conversation.objects.get().step


ISP_INTENTS = [
    "ContentIntent",
    "WhatCanIBuyIntent",
    "WhatHaveIBoughtIntent",
    "InSkillProductInfoIntent",
    "BuyIntent",
    "CancelSubscriptionIntent",
    "RefundInSkillProductIntent",
    "InventoryIntent",
]


@pytest.mark.parametrize("name", ISP_INTENTS)
def test_in_skill_purchasing_without_a_user_is_answered_in_words(client, isp_store, name):
    """Nobody to ask Amazon about: the free experience, and nothing recorded."""
    env = envelope(intent(name), skill_id=isp_store.skill_ids.first().skill_id)
    del env["context"]["System"]["user"], env["session"]["user"]
    response = post(client, env)
    assert response.status_code == 200
    assert OUTAGE not in speech_of(response.json())
    assert Interaction.objects.get().outcome != Outcome.ERROR
    assert Customer.objects.count() == 0
