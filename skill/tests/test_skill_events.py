"""Alexa skill events through the real endpoint: recorded once each, answered with HTTP 200
and an empty body, permissions kept and a revoked one forgotten at once, the notification
subscription, and erasure (what goes and what remains). Plus the one-time offer of order
notifications after an order is placed."""

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from catalog.tests.factories import ProductFactory
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from orders.models import Customer, Order, OrderEvent, OrderEventType, OrderStatus
from skill.models import Interaction, SkillEvent, Step
from skill.testing.certs import CERT_URL, make_root, make_signer
from skill.testing.envelopes import product_slot, skill_event, speech_of

from .alexa_api_stub import US_ADDRESS, Grant
from .test_verification import install, post

USER = "amzn1.ask.account.SHOPPER1"
NOTIFY = "alexa::devices:all:notifications:write"
ADDRESS = "read::alexa:device:all:address"
EMAIL = "alexa::profile:email:read"


@pytest.fixture
def corner_shop(db):
    store = StoreFactory(
        name="Corner Shop",
        payment_mode=PaymentMode.PAY_ON_DELIVERY,
        tax_rate=Decimal("0"),
        amazon_pay_seller_id="",
        messaging_client_id="amzn1.application-oa2-client.corner",
    )
    store.set_messaging_client_secret("corner-secret")
    store.save()
    soap = ProductFactory(
        store=store, spoken_name="soap bar", price=Decimal("4.00"), repeat_purchase=True
    )
    return store, soap


def post_event(client, store, event_type, body=None, **kwargs):
    skill_id = store.skill_ids.first().skill_id
    env = skill_event(event_type, body, skill_id=skill_id, **kwargs)
    return client.post("/alexa/", data=json.dumps(env), content_type="application/json"), env


def buy_soap(shopper, soap):
    shopper.say("OrderProductIntent", Product=product_slot(soap))
    summary = shopper.yes()
    assert speech_of(summary).endswith("Do you want me to complete your order now?")
    return shopper.yes()


@pytest.fixture
def regular(make_shopper, corner_shop, alexa_api):
    """A shopper of the corner shop who granted address and email and bought once."""
    store, soap = corner_shop
    alexa_api.grants["granted"] = Grant(address=US_ADDRESS, email="jane@example.com")
    shopper = make_shopper(store, consent=None, api_endpoint=alexa_api.url, api_token="granted")
    placed = buy_soap(shopper, soap)
    return shopper, placed


# The offer ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_offer_comes_once_after_the_first_order_and_yes_sends_the_permission_card(
    regular, corner_shop
):
    shopper, placed = regular
    store, soap = corner_shop
    assert speech_of(placed) == (
        "Your order has been placed. Payment of 4 dollars is due on delivery. "
        "Would you like a notification from Alexa when your order ships?"
    )
    assert placed["response"]["shouldEndSession"] is False
    customer = Customer.objects.get(store=store)
    assert customer.order_updates_offered_at is not None
    assert customer.skill_conversation.step == Step.OFFER_ORDER_UPDATES

    answer = shopper.yes()
    assert speech_of(answer) == (
        "OK. Please allow notifications in the card I've sent to your Alexa app, "
        "and I'll let you know when your order ships."
    )
    assert answer["response"]["card"] == {
        "type": "AskForPermissionsConsent",
        "permissions": [NOTIFY],
    }
    assert answer["response"]["shouldEndSession"] is True
    assert Interaction.objects.first().outcome == "order_updates_permission_asked"

    # Never again, whatever the answer was.
    again = buy_soap(shopper, soap)
    assert speech_of(again) == (
        "Your order has been placed. Payment of 4 dollars is due on delivery."
    )


@pytest.mark.django_db
def test_no_to_the_offer_is_kept_too(regular, corner_shop):
    shopper, _ = regular
    assert speech_of(shopper.no()) == "OK, no notifications."
    assert Customer.objects.get().order_updates_subscribed is False
    assert speech_of(buy_soap(shopper, corner_shop[1])).endswith("due on delivery.")


@pytest.mark.django_db
def test_help_at_the_offer_asks_for_yes_or_no(regular):
    shopper, _ = regular
    assert speech_of(shopper.say("AMAZON.HelpIntent")) == (
        "Please say yes or no. What would you like to do?"
    )


# Skill events ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_skill_enabled_is_recorded_and_answered_with_an_empty_body(client, corner_shop, unverified):
    store, _ = corner_shop
    response, env = post_event(client, store, "SkillEnabled")
    assert (response.status_code, response.content) == (200, b"")
    event = SkillEvent.objects.get()
    assert (event.store, event.customer, event.type) == (
        store,
        None,
        "AlexaSkillEvent.SkillEnabled",
    )
    assert event.request_id == env["request"]["requestId"]
    assert Customer.objects.count() == 0  # an event alone makes no customer
    interaction = Interaction.objects.get()
    assert (interaction.outcome, interaction.session_id, interaction.customer) == (
        "skill_enabled",
        "",
        None,
    )


@pytest.mark.django_db
def test_a_redelivered_event_is_recorded_once(client, corner_shop, unverified):
    store, _ = corner_shop
    post_event(client, store, "SkillEnabled", request_id="amzn1.echo-api.request.same")
    response, _ = post_event(
        client, store, "SkillEnabled", request_id="amzn1.echo-api.request.same"
    )
    assert response.status_code == 200
    assert SkillEvent.objects.count() == 1
    assert [i.outcome for i in Interaction.objects.order_by("pk")] == [
        "skill_enabled",
        "duplicate_skill_event",
    ]


@pytest.mark.django_db
def test_account_linked_keeps_no_token(client, corner_shop, unverified):
    store, _ = corner_shop
    post_event(client, store, "SkillAccountLinked", {"accessToken": "Atza|LINKED-SECRET"})
    event = SkillEvent.objects.get()
    assert event.body == {}
    assert "LINKED-SECRET" not in json.dumps(list(SkillEvent.objects.values()), default=str)


@pytest.mark.django_db
def test_permissions_are_kept_and_a_revoked_address_and_email_are_never_used_again(
    client, regular, corner_shop, alexa_api
):
    shopper, _ = regular
    store, soap = corner_shop
    shopper.no()
    body = {"acceptedPermissions": [{"scope": ADDRESS}, {"scope": EMAIL}]}
    post_event(client, store, "SkillPermissionAccepted", body, api_endpoint=alexa_api.url)
    customer = Customer.objects.get()
    assert customer.alexa_permissions == sorted([ADDRESS, EMAIL])
    assert customer.shipping_address["addressLine1"] == "100 Main Street"
    assert customer.alexa_api_endpoint == alexa_api.url

    # The shopper revokes both in the Alexa app (Amazon's tokens no longer carry them).
    response, _ = post_event(client, store, "SkillPermissionChanged", {"acceptedPermissions": []})
    assert (response.status_code, response.content) == (200, b"")
    customer.refresh_from_db()
    assert (customer.alexa_permissions, customer.shipping_address, customer.email) == ([], {}, "")
    placed = Order.objects.get(status=OrderStatus.PLACED)
    assert placed.shipping_address["city"] == "Springfield"  # the order in flight keeps it

    alexa_api.grants["granted"] = Grant()  # denied, as Amazon now answers
    calls = len(alexa_api.calls)
    shopper.say("OrderProductIntent", Product=product_slot(soap))
    answer = shopper.yes()
    assert speech_of(answer).startswith("To deliver your order, I need your address.")
    assert answer["response"]["card"]["type"] == "AskForPermissionsConsent"
    assert "Springfield" not in json.dumps(answer)
    assert alexa_api.calls[calls:] == [
        ("/v1/devices/amzn1.ask.device.TEST/settings/address", "granted")
    ]  # asked Amazon (and was refused): the stored copy was not used


@pytest.mark.django_db
def test_the_subscription_follows_proactive_subscription_changed(
    client, regular, corner_shop, unverified
):
    store, _ = corner_shop
    body = {"subscriptions": [{"eventName": "AMAZON.OrderStatus.Updated"}]}
    post_event(
        client,
        store,
        "ProactiveSubscriptionChanged",
        body,
        api_endpoint="https://api.eu.amazonalexa.com",
    )
    customer = Customer.objects.get()
    assert customer.order_updates_subscribed is True
    assert customer.alexa_api_endpoint == "https://api.eu.amazonalexa.com"
    post_event(client, store, "ProactiveSubscriptionChanged", {"subscriptions": []})
    customer.refresh_from_db()
    assert customer.order_updates_subscribed is False
    assert [e.type for e in SkillEvent.objects.order_by("pk")] == [
        "AlexaSkillEvent.ProactiveSubscriptionChanged"
    ] * 2
    # Revoking the notifications permission ends the subscription too.
    post_event(client, store, "ProactiveSubscriptionChanged", body)
    post_event(
        client, store, "SkillPermissionChanged", {"acceptedPermissions": [{"scope": ADDRESS}]}
    )
    customer.refresh_from_db()
    assert customer.order_updates_subscribed is False


@pytest.mark.django_db
def test_disabled_with_data_persisted_keeps_everything(client, regular, corner_shop):
    store, _ = corner_shop
    before = Customer.objects.values().get()
    response, _ = post_event(
        client, store, "SkillDisabled", {"userInformationPersistenceStatus": "PERSISTED"}
    )
    assert response.status_code == 200
    after = Customer.objects.values().get()
    before.pop("updated_at"), after.pop("updated_at")
    assert after == before
    assert Interaction.objects.first().outcome == "skill_disabled"


@pytest.fixture
def customer_erased_hook(corner_shop):
    """A webhook endpoint of the store that takes customer.erased (webhooks app)."""
    from webhooks.tests.factories import WebhookEndpointFactory  # test helper of another app

    return WebhookEndpointFactory(store=corner_shop[0], events=["customer.erased"])


@pytest.mark.django_db
def test_disabled_without_persisting_erases_personal_data_and_keeps_the_accounts(
    client, regular, corner_shop, customer_erased_hook, django_capture_on_commit_callbacks
):
    from webhooks.models import WebhookEvent  # the model of the app below orders

    shopper, _ = regular
    shopper.yes()
    store, _ = corner_shop
    customer = Customer.objects.get()
    order = Order.objects.get()
    OrderEvent.objects.create(
        store=store,
        order=order,
        type=OrderEventType.EMAIL_SENT,
        data={"kind": "x", "to": "jane@example.com"},
    )
    before = Order.objects.values(
        "number", "subtotal", "tax", "shipping", "total", "currency", "status", "placed_at"
    ).get()

    with django_capture_on_commit_callbacks(execute=False):
        response, _ = post_event(
            client, store, "SkillDisabled", {"userInformationPersistenceStatus": "NOT_PERSISTED"}
        )
    assert (response.status_code, response.content) == (200, b"")

    customer.refresh_from_db()
    assert customer.alexa_user_id.startswith("erased:") and USER not in customer.alexa_user_id
    assert (customer.name, customer.email, customer.shipping_address) == ("", "", {})
    assert (customer.billing_agreement_id, customer.payment_consent) == ("", "")
    assert (customer.alexa_permissions, customer.alexa_api_endpoint) == ([], "")
    assert customer.order_updates_subscribed is False and customer.erased_at is not None

    order.refresh_from_db()
    assert Order.objects.values(*before).get() == before  # accounting keeps its figures
    assert order.lines.count() == 1 and order.lines.get().line_total == Decimal("4.00")
    assert order.email == ""
    assert order.shipping_address == {"countryCode": "US", "stateOrRegion": "IL"}
    email_events = OrderEvent.objects.filter(order=order, type=OrderEventType.EMAIL_SENT)
    assert all(e.data["to"] == "erased" for e in email_events)
    everything = json.dumps(
        [
            list(Customer.objects.values()),
            list(Order.objects.values()),
            list(OrderEvent.objects.values("data")),
            list(SkillEvent.objects.values()),
        ],
        default=str,
    )
    for personal in ("jane@example.com", "100 Main Street", "Springfield", "62701", USER):
        assert personal not in everything

    webhook = WebhookEvent.objects.get(type="customer.erased")
    assert webhook.store_id == store.pk
    assert webhook.payload["data"]["customer_id"] == customer.pk
    assert Interaction.objects.first().outcome == "customer_erased"

    # The same user id is a stranger now: a new, empty customer.
    shopper.launch()
    assert Customer.objects.filter(alexa_user_id=USER).get().orders.count() == 0


@pytest.mark.django_db
def test_a_signed_skill_event_fifty_minutes_old_is_verified_and_applied(client, corner_shop):
    """Verified like every request (ALEXA_VERIFY_REQUESTS on); a skill event may be an hour
    old where a turn may be 150 seconds."""
    store, _ = corner_shop
    root = make_root()
    signer = make_signer(root)
    install(root, {CERT_URL: signer.chain_pem})
    old = datetime.now(UTC) - timedelta(minutes=50)
    env = skill_event(
        "ProactiveSubscriptionChanged",
        {"subscriptions": [{"eventName": "AMAZON.OrderStatus.Updated"}]},
        skill_id=store.skill_ids.first().skill_id,
        created=old,
    )
    body = json.dumps(env).encode()
    response = post(client, body, signature=signer.sign(body))
    assert (response.status_code, response.content) == (200, b"")
    assert Customer.objects.get().order_updates_subscribed is True

    unsigned = post(client, body, signature="")
    assert unsigned.status_code == 400
    assert SkillEvent.objects.count() == 1


@pytest.mark.django_db
def test_each_change_to_the_shopper_leaves_an_audit_row_with_its_channel(
    client, regular, corner_shop, unverified
):
    """By voice (first seen, the delivery contact, the offer of notifications) and by the
    Alexa app (the subscription, a revoked permission): one row each, in order."""
    store, _ = corner_shop
    body = {"subscriptions": [{"eventName": "AMAZON.OrderStatus.Updated"}]}
    post_event(client, store, "ProactiveSubscriptionChanged", body)
    post_event(client, store, "SkillPermissionChanged", {"acceptedPermissions": []})
    customer = Customer.objects.get()
    assert list(customer.events.values_list("type", "source", "actor", "data")) == [
        ("created", "voice", None, {"locale": "en-US"}),
        ("delivery_contact_stored", "voice", None, {"changed": ["shipping_address", "email"]}),
        ("order_updates_offered", "voice", None, {}),
        (
            "order_updates_changed",
            "alexa",
            None,
            {"subscribed": True, "changed": ["order_updates_subscribed", "alexa_api_endpoint"]},
        ),
        (
            "permissions_changed",
            "alexa",
            None,
            {
                "granted": [],
                "revoked": [],
                "changed": ["shipping_address", "email", "order_updates_subscribed"],
            },
        ),
    ]
