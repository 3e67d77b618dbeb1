"""Buying with Amazon Pay: permission, Setup, the summary, Charge, results, declines, errors,
duplicates, Charge Later and pay on delivery. Every turn is a real envelope posted to /alexa/;
Alexa's answers to directives come from the embedded sandbox."""

import logging
from decimal import Decimal

import pytest
from django.core import mail

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from orders.amazon_pay_facts import DECLINE_REASONS
from orders.models import (
    Customer,
    Order,
    OrderStatus,
    PaymentKind,
    PaymentStatus,
    PaymentTransaction,
)
from skill import amazon_pay_sandbox
from skill.models import Conversation, Interaction, Step
from skill.testing.envelopes import directive_of, product_slot, speech_of

from .alexa_api_stub import DENIED, US_ADDRESS, Grant

PAID_9 = (
    "9 dollars will be paid using Amazon Pay. More information in the Alexa app. "
    "Your order has been placed."
)


@pytest.fixture
def untaxed_store(db):
    """A No Nicks-like store without tax so the kit costs exactly 9 dollars."""
    store = StoreFactory(name="Plain Razors", tax_rate=Decimal("0"), amazon_pay_seller_id="A2PLAIN")
    kit = ProductFactory(
        store=store,
        name="Plain Starter Kit",
        spoken_name="starter kit",
        spoken_description="a razor and three blades",
        price=Decimal("9.00"),
        stock=10,
    )
    return store, kit


def order_kit(shopper, product, **slots):
    answer = shopper.say("OrderProductIntent", Product=product_slot(product), **slots)
    assert speech_of(answer).endswith("Do you want to order it?") or speech_of(answer).endswith(
        "Do you want to order them?"
    )
    return shopper.yes()


@pytest.mark.django_db
def test_the_whole_purchase_speaks_the_exact_confirmation(
    make_shopper, untaxed_store, django_capture_on_commit_callbacks
):
    store, kit = untaxed_store
    shopper = make_shopper(store)
    setup = order_kit(shopper, kit)
    assert directive_of(setup)["name"] == "Setup"
    summary = shopper.amazon_pay()
    assert speech_of(summary) == (
        "Here is your order from Plain Razors: one starter kit. The total is 9 dollars, "
        "including no tax and free shipping. It will be delivered to 410 Terry Ave N, Seattle, "
        "WA, 98109. Do you want me to complete your order now?"
    )
    assert summary["response"]["shouldEndSession"] is False
    charge = shopper.yes()
    assert directive_of(charge)["name"] == "Charge"
    with django_capture_on_commit_callbacks(execute=True):
        done = shopper.amazon_pay()
    assert speech_of(done) == PAID_9
    order = Order.objects.get(status=OrderStatus.PLACED)
    assert order.total == Decimal("9.00")
    assert order.payment_status == PaymentStatus.CAPTURED
    assert order.shipping_address["city"] == "Seattle"
    card = done["response"]["card"]
    assert card["type"] == "Simple"
    assert card["title"] == f"Order {order.number} placed"
    assert "Seller: Plain Razors" in card["content"]
    assert "Total: $9.00" in card["content"]
    kit.refresh_from_db()
    assert kit.stock == 9
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["buyer@example.com"]  # the sandbox buyer
    assert order.number in mail.outbox[0].subject


@pytest.mark.django_db
def test_the_setup_directive_carries_every_field_from_the_store(shopper, demo_store):
    kit = Product.objects.get(sku="NN-KIT")
    answer = order_kit(shopper, kit)
    assert answer["response"]["shouldEndSession"] is True
    assert "outputSpeech" not in answer["response"]
    directive = directive_of(answer)
    assert directive["type"] == "Connections.SendRequest"
    assert directive["token"].startswith("setup:")
    payload = directive["payload"]
    assert payload["@type"] == "SetupAmazonPayRequest"
    assert payload["@version"] == "2"
    assert payload["sellerId"] == "A2DEMOSELLER0NN"
    assert payload["countryOfEstablishment"] == "US"
    assert payload["ledgerCurrency"] == "USD"
    assert payload["checkoutLanguage"] == "en_US"
    assert payload["needAmazonShippingAddress"] is True
    assert payload["sandboxMode"] is True
    assert payload["sandboxCustomerEmailId"] == "shopper@example.com"
    agreement = payload["billingAgreementAttributes"]
    assert agreement["@version"] == "2"
    assert agreement["sellerBillingAgreementAttributes"]["storeName"] == "No Nicks"
    assert agreement["sellerBillingAgreementAttributes"]["@version"] == "2"
    assert "billingAgreementType" not in agreement  # US agreements have none


@pytest.mark.django_db
def test_a_live_eu_store_sends_no_sandbox_fields(make_shopper):
    store = StoreFactory(
        currency="EUR",
        country_of_establishment="DE",
        default_locale="de-DE",
        enabled_locales=["de-DE"],
        sandbox_mode=False,
        sandbox_customer_email="buyer@example.com",
    )
    product = ProductFactory(store=store, currency="EUR")
    shopper = make_shopper(store, locale="de-DE")
    payload = directive_of(order_kit_de(shopper, product))["payload"]
    assert payload["sandboxMode"] is False
    assert "sandboxCustomerEmailId" not in payload
    assert payload["ledgerCurrency"] == "EUR"
    assert payload["checkoutLanguage"] == "de_DE"
    assert payload["countryOfEstablishment"] == "DE"
    assert payload["billingAgreementAttributes"]["billingAgreementType"] == (
        "CustomerInitiatedTransaction"
    )


def order_kit_de(shopper, product):
    answer = shopper.say("OrderProductIntent", Product=product_slot(product))
    assert speech_of(answer).endswith("Möchtest du es bestellen?")
    return shopper.yes()


@pytest.mark.django_db
def test_the_step_and_cart_are_kept_in_the_database_across_the_directive(shopper, demo_store):
    kit = Product.objects.get(sku="NN-KIT")
    answer = order_kit(shopper, kit)
    conversation = Conversation.objects.get()
    assert conversation.step == Step.AWAITING_SETUP
    assert conversation.order.status == OrderStatus.DRAFT
    assert conversation.token == directive_of(answer)["token"]
    # Alexa answers in a new session with no session attributes: the summary still comes.
    env = amazon_pay_sandbox.response_envelope(shopper.last_envelope, answer)
    assert env["session"]["new"] is True and env["session"]["attributes"] == {}
    summary = shopper.post(env)
    assert "one starter kit" in speech_of(summary)
    assert Conversation.objects.get().step == Step.CONFIRM_ORDER


@pytest.mark.django_db
def test_setup_open_stores_the_agreement_and_address_on_the_customer(shopper, demo_store):
    kit = Product.objects.get(sku="NN-KIT")
    order_kit(shopper, kit)
    summary = shopper.amazon_pay()
    customer = Customer.objects.get()
    assert customer.billing_agreement_id.startswith("C01-")
    assert customer.billing_agreement_status == "OPEN"
    assert customer.shipping_address["postalCode"] == "98109"
    text = speech_of(summary)
    assert text.startswith("Here is your order from No Nicks: one starter kit.")
    assert "The total is 9 dollars and 72 cents, including 72 cents tax and free shipping." in text
    assert text.endswith("Do you want me to complete your order now?")


@pytest.mark.django_db
def test_the_charge_directive(shopper, demo_store):
    kit = Product.objects.get(sku="NN-KIT")
    order_kit(shopper, kit)
    shopper.amazon_pay()
    answer = shopper.yes()
    directive = directive_of(answer)
    order = Order.objects.get()
    payload = directive["payload"]
    assert directive["name"] == "Charge"
    assert payload["@type"] == "ChargeAmazonPayRequest"
    assert payload["@version"] == "2"
    assert payload["paymentAction"] == "AuthorizeAndCapture"
    assert payload["billingAgreementId"] == Customer.objects.get().billing_agreement_id
    attributes = payload["authorizeAttributes"]
    assert len(attributes["authorizationReferenceId"]) <= 32
    assert attributes["authorizationAmount"] == {
        "amount": "9.72",
        "currencyCode": "USD",
        "@type": "Price",
        "@version": "2",
    }
    assert attributes["transactionTimeout"] == 0
    assert attributes["softDescriptor"] == "No Nicks"
    assert payload["sellerOrderAttributes"]["sellerOrderId"] == order.number
    assert payload["sellerOrderAttributes"]["storeName"] == "No Nicks"
    assert Conversation.objects.get().step == Step.AWAITING_CHARGE


@pytest.mark.django_db
def test_references_are_unique_and_soft_descriptors_short(make_shopper):
    store = StoreFactory(name="The Extremely Long Named Razor Emporium")
    product = ProductFactory(store=store, stock=None)
    shopper = make_shopper(store)
    order_kit(shopper, product)
    shopper.amazon_pay()
    first = directive_of(shopper.yes())["payload"]["authorizeAttributes"]
    shopper.amazon_pay(simulate="Declined:InvalidPaymentMethod")
    shopper.launch()
    shopper.yes()  # continue the cart: straight to the summary (the agreement is open)
    second = directive_of(shopper.yes())["payload"]["authorizeAttributes"]
    assert first["authorizationReferenceId"] != second["authorizationReferenceId"]
    assert len(second["authorizationReferenceId"]) <= 32
    assert first["softDescriptor"] == "The Extremely Lo"
    assert len(first["softDescriptor"]) == 16


@pytest.mark.django_db
@pytest.mark.parametrize("reason", DECLINE_REASONS)
def test_a_decline_places_nothing_and_the_conversation_continues(shopper, demo_store, reason):
    kit = Product.objects.get(sku="NN-KIT")
    order_kit(shopper, kit)
    shopper.amazon_pay()
    shopper.yes()
    answer = shopper.amazon_pay(simulate=f"Declined:{reason}")
    text = speech_of(answer)
    assert text == (
        "Your order has not been placed, and you have not been charged. "
        "You can try again, or order something else. What would you like to do?"
    )
    assert "declin" not in text.lower() and reason.lower() not in text.lower()
    assert answer["response"]["shouldEndSession"] is False
    order = Order.objects.get()
    assert order.status == OrderStatus.DRAFT
    assert order.captured_amount == 0
    assert PaymentTransaction.objects.get().state == "declined"
    kit.refresh_from_db()
    assert kit.stock == 500
    # The conversation goes on: the shopper can order something else right away.
    cream = Product.objects.get(sku="NN-CREAM-6")
    answer = shopper.say("OrderProductIntent", Product=product_slot(cream))
    assert speech_of(answer).endswith("Do you want to order it?")


@pytest.mark.django_db
def test_decline_then_resume_in_a_new_session_places_the_order(shopper, demo_store):
    kit = Product.objects.get(sku="NN-KIT")
    order_kit(shopper, kit)
    shopper.amazon_pay()
    shopper.yes()
    shopper.amazon_pay(simulate="Declined:InvalidPaymentMethod")
    answer = shopper.launch()
    assert "You have an unfinished order: one starter kit." in speech_of(answer)
    summary = shopper.yes()
    assert speech_of(summary).endswith("Do you want me to complete your order now?")
    shopper.yes()
    done = shopper.amazon_pay()
    assert speech_of(done).startswith("9 dollars and 72 cents will be paid using Amazon Pay.")
    assert Order.objects.filter(status=OrderStatus.PLACED).count() == 1


@pytest.mark.django_db
def test_a_duplicate_charge_response_never_makes_a_second_order(shopper, demo_store):
    kit = Product.objects.get(sku="NN-KIT")
    order_kit(shopper, kit)
    shopper.amazon_pay()
    charge_answer = shopper.yes()
    charge_envelope = shopper.last_envelope
    result = amazon_pay_sandbox.response_envelope(charge_envelope, charge_answer)
    first = shopper.post(result)
    second = shopper.post(result)  # Alexa delivers the same response again
    assert speech_of(first).startswith("9 dollars and 72 cents will be paid")
    assert speech_of(second).startswith("9 dollars and 72 cents will be paid")
    assert Order.objects.count() == 1
    assert Order.objects.get().status == OrderStatus.PLACED
    assert PaymentTransaction.objects.filter(kind=PaymentKind.AUTHORIZATION).count() == 1
    kit.refresh_from_db()
    assert kit.stock == 499
    assert list(
        Interaction.objects.filter(request_type="Connections.Response")
        .values_list("outcome", flat=True)
        .order_by("id")
    ) == ["summary", "order_placed", "duplicate_charge_result"]


@pytest.mark.django_db
def test_charge_later_authorizes_only(make_shopper):
    store = StoreFactory(payment_mode=PaymentMode.CHARGE_LATER, tax_rate=Decimal("0"))
    product = ProductFactory(store=store, price=Decimal("12.50"))
    shopper = make_shopper(store)
    order_kit(shopper, product)
    shopper.amazon_pay()
    charge = directive_of(shopper.yes())
    assert charge["payload"]["paymentAction"] == "Authorize"
    done = shopper.amazon_pay()
    assert speech_of(done).startswith("12 dollars and 50 cents will be paid using Amazon Pay.")
    order = Order.objects.get()
    assert order.status == OrderStatus.PLACED
    assert order.payment_status == PaymentStatus.AUTHORIZED
    assert order.authorized_amount == Decimal("12.50")
    assert order.captured_amount == 0
    assert PaymentTransaction.objects.get().expires_at is not None


@pytest.mark.django_db
def test_without_permission_the_shopper_hears_how_and_gets_a_card(make_shopper, demo_store):
    from demo.seed import DEMO_SKILL_ID

    shopper = make_shopper(DEMO_SKILL_ID, consent="DENIED")
    kit = Product.objects.get(sku="NN-KIT")
    answer = order_kit(shopper, kit)
    assert speech_of(answer) == (
        "To order, please enable Amazon Pay and voice purchasing for this skill in the Alexa "
        "app. I've sent a card to the Alexa app that shows you how."
    )
    assert answer["response"]["card"] == {
        "type": "AskForPermissionsConsent",
        "permissions": ["payments:autopay_consent"],
    }
    assert "directives" not in answer["response"]
    assert Customer.objects.get().payment_consent == "DENIED"
    # The cart waits for next time.
    assert Order.objects.get().status == OrderStatus.DRAFT


@pytest.mark.django_db
def test_no_permissions_at_all_is_treated_as_not_granted(make_shopper, demo_store):
    from demo.seed import DEMO_SKILL_ID

    shopper = make_shopper(DEMO_SKILL_ID, consent=None)
    answer = order_kit(shopper, Product.objects.get(sku="NN-KIT"))
    assert answer["response"]["card"]["type"] == "AskForPermissionsConsent"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code", ["ACCESS_DENIED", "ACCESS_NOT_REQUESTED", "FORBIDDEN", "VoicePurchaseNotEnabled"]
)
@pytest.mark.parametrize("step", ["Setup", "Charge"])
def test_permission_errors_from_amazon_pay_ask_for_permission(shopper, demo_store, code, step):
    kit = Product.objects.get(sku="NN-KIT")
    order_kit(shopper, kit)
    if step == "Charge":
        shopper.amazon_pay()
        shopper.yes()
    answer = shopper.amazon_pay(simulate=code)
    assert answer["response"]["card"]["type"] == "AskForPermissionsConsent"
    assert "enable Amazon Pay and voice purchasing" in speech_of(answer)
    assert Order.objects.get().status == OrderStatus.DRAFT


MERCHANT_ERRORS = [
    "BuyerEqualsSeller",
    "InvalidParameterValue",
    "InvalidSandboxCustomerEmail",
    "InvalidSellerId",
    "UnauthorizedAccess",
    "UnsupportedCountryOfEstablishment",
    "UnsupportedCurrency",
    "DuplicateRequest",
    "InternalServerError",
    "InvalidAuthorizationAmount",
    "InvalidBillingAgreementId",
    "InvalidBillingAgreementStatus",
    "InvalidPaymentAction",
    "PeriodicAmountExceeded",
    "ProviderNotAuthorized",
    "ServiceUnavailable",
]


@pytest.mark.django_db
@pytest.mark.parametrize("code", MERCHANT_ERRORS)
@pytest.mark.parametrize("step", ["Setup", "Charge"])
def test_merchant_errors_are_logged_and_the_shopper_hears_a_short_apology(
    shopper, demo_store, code, step, caplog
):
    kit = Product.objects.get(sku="NN-KIT")
    order_kit(shopper, kit)
    if step == "Charge":
        shopper.amazon_pay()
        shopper.yes()
    with caplog.at_level(logging.ERROR):
        answer = shopper.amazon_pay(simulate=code)
    text = speech_of(answer)
    assert text == (
        "Sorry, the store can't take your order by voice right now. You have not been charged. "
        "Please try again later."
    )
    assert code not in text
    row = Interaction.objects.filter(request_type="Connections.Response").order_by("id").last()
    assert (row.outcome, row.error_code) == ("merchant_error", code)
    assert any(code in r.getMessage() for r in caplog.records)
    assert Order.objects.get().status == OrderStatus.DRAFT


@pytest.mark.django_db
@pytest.mark.parametrize(
    "code",
    [
        "UnsupportedClientPlatform",
        "InvalidShippingAddress",
        "InvalidAccountStatus",
        "RequestThrottled",
    ],
)
def test_errors_amazon_speaks_itself_get_no_extra_speech(shopper, demo_store, code):
    order_kit(shopper, Product.objects.get(sku="NN-KIT"))
    answer = shopper.amazon_pay(simulate=code)
    assert "outputSpeech" not in answer["response"]
    assert answer["response"]["shouldEndSession"] is True
    assert Interaction.objects.order_by("id").last().error_code == code


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["CANCELED", "CLOSED", "SUSPENDED", "DRAFT"])
def test_an_agreement_that_is_not_open_stops_the_purchase(shopper, demo_store, status):
    order_kit(shopper, Product.objects.get(sku="NN-KIT"))
    answer = shopper.amazon_pay(simulate=f"Agreement:{status}")
    assert speech_of(answer) == (
        "Amazon Pay is not set up for this skill right now, so I can't complete the order. "
        "You can check Amazon Pay in the Alexa app."
    )
    assert "directives" not in answer["response"]
    customer = Customer.objects.get()
    assert customer.billing_agreement_status == status
    assert not customer.has_open_billing_agreement
    assert Order.objects.get().status == OrderStatus.DRAFT


@pytest.mark.django_db
def test_buy_and_use_across_sessions_skips_setup_the_second_time(shopper, demo_store):
    kit = Product.objects.get(sku="NN-KIT")
    order_kit(shopper, kit)
    shopper.amazon_pay()
    shopper.yes()
    shopper.amazon_pay()
    shopper.launch()
    cream = Product.objects.get(sku="NN-CREAM-6")
    summary = order_kit(shopper, cream)  # the agreement is open: straight to the summary
    assert directive_of(summary) is None
    assert speech_of(summary).startswith(
        "Here is your order from No Nicks: one menthol shaving cream."
    )
    assert directive_of(shopper.yes())["name"] == "Charge"
    done = shopper.amazon_pay()
    assert speech_of(done).startswith("7 dollars and 56 cents will be paid using Amazon Pay.")
    assert Order.objects.filter(status=OrderStatus.PLACED).count() == 2


@pytest.mark.django_db
def test_no_at_the_summary_keeps_the_cart(shopper, demo_store):
    order_kit(shopper, Product.objects.get(sku="NN-KIT"))
    shopper.amazon_pay()
    answer = shopper.no()
    assert speech_of(answer) == "OK, I'll keep your order for later."
    assert Order.objects.get().status == OrderStatus.DRAFT
    assert "unfinished order" in speech_of(shopper.launch())


@pytest.fixture
def corner_shop(db):
    store = StoreFactory(
        name="Corner Shop",
        payment_mode=PaymentMode.PAY_ON_DELIVERY,
        tax_rate=Decimal("0"),
        amazon_pay_seller_id="",
    )
    soap = ProductFactory(
        store=store, spoken_name="soap bar", price=Decimal("4.00"), repeat_purchase=True
    )
    return store, soap


@pytest.mark.django_db
def test_pay_on_delivery_needs_no_amazon_pay(
    make_shopper, corner_shop, alexa_api, django_capture_on_commit_callbacks, mailoutbox
):
    store, product = corner_shop
    alexa_api.grants["granted"] = Grant(address=US_ADDRESS, email="jane@example.com")
    shopper = make_shopper(store, consent=None, api_endpoint=alexa_api.url, api_token="granted")
    summary = order_kit(shopper, product)
    assert directive_of(summary) is None
    assert speech_of(summary) == (
        "Here is your order from Corner Shop: one soap bar. The total is 4 dollars, including "
        "no tax and free shipping. It will be delivered to 100 Main Street, Apt 4, Springfield, "
        "IL, 62701. Payment is due on delivery. Do you want me to complete your order now?"
    )
    assert alexa_api.calls == [
        ("/v1/devices/amzn1.ask.device.TEST/settings/address", "granted"),
        ("/v2/accounts/~current/settings/Profile.email", "granted"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        done = shopper.yes()
    assert directive_of(done) is None
    assert speech_of(done) == "Your order has been placed. Payment of 4 dollars is due on delivery."
    assert "Payment due on delivery." in done["response"]["card"]["content"]
    order = Order.objects.get()
    assert order.status == OrderStatus.PLACED
    assert order.payment_mode == PaymentMode.PAY_ON_DELIVERY
    assert order.shipping_address == {
        "addressLine1": "100 Main Street",
        "addressLine2": "Apt 4",
        "city": "Springfield",
        "stateOrRegion": "IL",
        "postalCode": "62701",
        "countryCode": "US",
    }
    assert order.email == "jane@example.com"
    assert [m.to for m in mailoutbox] == [["jane@example.com"]]
    assert PaymentTransaction.objects.count() == 0


@pytest.mark.django_db
def test_pay_on_delivery_asks_for_the_address_permission_and_keeps_the_cart(
    make_shopper, corner_shop, alexa_api
):
    store, product = corner_shop
    shopper = make_shopper(store, consent=None, api_endpoint=alexa_api.url, api_token="nothing")
    answer = order_kit(shopper, product)
    assert speech_of(answer) == (
        "To deliver your order, I need your address. Please allow this skill to use your device "
        "address, and your email for the order confirmation, on the card I've sent to the Alexa "
        "app. Your order is kept until then."
    )
    assert answer["response"]["card"] == {
        "type": "AskForPermissionsConsent",
        "permissions": ["read::alexa:device:all:address", "alexa::profile:email:read"],
    }
    assert answer["response"]["shouldEndSession"] is True
    assert Order.objects.get().status == OrderStatus.DRAFT

    # The shopper grants the address only (no email) in the Alexa app and comes back.
    alexa_api.grants["address-only"] = Grant(address=US_ADDRESS, email=DENIED)
    shopper.api_token = "address-only"
    assert "You have an unfinished order: one soap bar." in speech_of(shopper.launch())
    summary = shopper.yes()
    assert "It will be delivered to 100 Main Street, Apt 4, Springfield" in speech_of(summary)
    customer = Customer.objects.get(store=store)
    assert customer.shipping_address["postalCode"] == "62701"
    assert customer.email == ""
    assert speech_of(shopper.yes()).startswith("Your order has been placed.")
    # Known now: the next order asks Amazon nothing.
    calls = len(alexa_api.calls)
    order_kit(shopper, product)
    assert len(alexa_api.calls) == calls


@pytest.mark.django_db
def test_pay_on_delivery_without_an_address_on_the_device(make_shopper, corner_shop, alexa_api):
    store, product = corner_shop
    alexa_api.grants["no-address"] = Grant(address=None, email=None)
    shopper = make_shopper(store, consent=None, api_endpoint=alexa_api.url, api_token="no-address")
    answer = order_kit(shopper, product)
    assert speech_of(answer) == (
        "I couldn't find an address for this device. Please add one in the Alexa app's device "
        "settings, then open the skill again: your order is kept until then."
    )
    assert Order.objects.get().status == OrderStatus.DRAFT
    assert Customer.objects.get(store=store).shipping_address == {}


@pytest.mark.django_db
def test_pay_on_delivery_when_amazon_cannot_be_reached(make_shopper, corner_shop, settings):
    store, product = corner_shop
    settings.ALEXA_API_HOSTS = ["127.0.0.1:9"]  # nothing listens there
    shopper = make_shopper(store, consent=None, api_endpoint="https://127.0.0.1:9")
    answer = order_kit(shopper, product)
    assert speech_of(answer) == (
        "Sorry, I couldn't get your address just now. Please try again in a moment: your order "
        "is kept until then."
    )
    assert Order.objects.get().status == OrderStatus.DRAFT
    assert Interaction.objects.filter(error_code="device_address_unavailable").count() == 1


@pytest.mark.django_db
def test_pay_on_delivery_when_amazon_answers_too_slowly(
    make_shopper, corner_shop, alexa_api, settings
):
    store, product = corner_shop
    settings.ALEXA_API_TIMEOUT_SECONDS = 0.2
    alexa_api.grants["slow"] = Grant(address=US_ADDRESS, email=None, delay=1.0)
    shopper = make_shopper(store, consent=None, api_endpoint=alexa_api.url, api_token="slow")
    answer = order_kit(shopper, product)
    assert speech_of(answer).startswith("Sorry, I couldn't get your address just now.")
    assert Customer.objects.get(store=store).shipping_address == {}


@pytest.mark.django_db
def test_an_api_endpoint_that_is_not_amazons_is_never_called(
    make_shopper, corner_shop, alexa_api, settings
):
    store, product = corner_shop
    alexa_api.grants["granted"] = Grant(address=US_ADDRESS, email="jane@example.com")
    settings.ALEXA_API_HOSTS = ["api.amazonalexa.com"]  # the stub's host is not one of them
    shopper = make_shopper(store, consent=None, api_endpoint=alexa_api.url, api_token="granted")
    answer = order_kit(shopper, product)
    assert speech_of(answer).startswith("Sorry, I couldn't get your address just now.")
    assert alexa_api.calls == []


@pytest.mark.django_db
def test_live_amazon_pay_takes_the_email_from_the_profile(make_shopper, untaxed_store, alexa_api):
    store, kit = untaxed_store
    store.sandbox_mode = False
    store.save()
    alexa_api.grants["pay"] = Grant(address=DENIED, email="sam@example.com")
    shopper = make_shopper(store, api_endpoint=alexa_api.url, api_token="pay")
    setup = order_kit(shopper, kit)
    assert directive_of(setup)["name"] == "Setup"
    shopper.amazon_pay()
    assert Customer.objects.get(store=store).email == "sam@example.com"
    assert alexa_api.calls == [("/v2/accounts/~current/settings/Profile.email", "pay")]


@pytest.mark.django_db
def test_a_charge_response_with_a_forged_token_places_nothing(shopper, demo_store):

    order_kit(shopper, Product.objects.get(sku="NN-KIT"))
    shopper.amazon_pay()
    answer = shopper.yes()
    directive = directive_of(answer)
    other = StoreFactory()
    from orders.tests.factories import OrderFactory

    foreign = OrderFactory(store=other, status=OrderStatus.DRAFT)
    directive["token"] = f"charge:{foreign.pk}:forged"
    result = shopper.post(amazon_pay_sandbox.response_envelope(shopper.last_envelope, answer))
    assert "went wrong" in speech_of(result)
    foreign.refresh_from_db()
    assert foreign.status == OrderStatus.DRAFT
    assert Order.objects.filter(status=OrderStatus.PLACED).count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payment_mode, released_by",
    [(PaymentMode.CHARGE_NOW, PaymentKind.REFUND), (PaymentMode.CHARGE_LATER, PaymentKind.VOID)],
)
def test_a_cart_that_sells_out_during_the_charge_gets_its_payment_back(
    make_shopper, payment_mode, released_by, django_capture_on_commit_callbacks
):
    store = StoreFactory(payment_mode=payment_mode, tax_rate=Decimal("0"))
    product = ProductFactory(store=store, price=Decimal("12.50"), stock=1)
    shopper = make_shopper(store)
    order_kit(shopper, product)
    shopper.amazon_pay()
    assert directive_of(shopper.yes())["name"] == "Charge"
    Product.objects.filter(pk=product.pk).update(stock=0)  # the last one sold meanwhile
    with django_capture_on_commit_callbacks(execute=True):
        answer = shopper.amazon_pay()
    assert speech_of(answer) == (
        "Sorry, that sold out while your order was going through, so your order has not been "
        "placed. The payment is being returned to you in full. You can try again, or order "
        "something else. What would you like to do?"
    )
    assert answer["response"]["shouldEndSession"] is False
    order = Order.objects.get()
    assert order.status == OrderStatus.CANCELLED
    assert PaymentTransaction.objects.filter(order=order, kind=released_by).count() == 1
    assert order.captured_amount - order.refunded_amount - order.refund_pending_amount == 0
    product.refresh_from_db()
    assert product.stock == 0
    # The same Charge result delivered again changes nothing.
    shopper.post(shopper.last_envelope)
    assert PaymentTransaction.objects.filter(order=order, kind=released_by).count() == 1
    assert Order.objects.filter(status=OrderStatus.PLACED).count() == 0
