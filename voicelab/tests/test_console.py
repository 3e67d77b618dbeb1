"""The voice test console: typed text -> intent, envelopes, the skill, the Amazon Pay sandbox."""

import json

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import IntentRequest, RequestEnvelope
from django.test import Client
from django.urls import reverse

from catalog.models import Product
from demo.seed import DEMO_PASSWORD, DEMO_SKILL_ID
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders.models import Order, OrderSource, OrderStatus
from skill import intents
from skill.models import Interaction
from skill.testing.envelopes import ConsoleShopper, build_envelope
from voicelab.console.matcher import LAUNCH, Matcher
from voicelab.package import build_skill_package

TURN = "/console/turn/"


@pytest.fixture
def products(demo_store):
    return {p.sku: str(p.pk) for p in Product.objects.filter(store=demo_store)}


@pytest.fixture
def matchers(demo_store):
    models = build_skill_package(store=demo_store).models
    return {locale: Matcher(model, locale) for locale, model in models.items()}


# --- the matcher ------------------------------------------------------------------------

# (locale, typed text, intent, {slot: resolved product SKU / category name / number})
TYPED = [
    ("en-US", "order a starter kit", intents.ORDER_PRODUCT, {"Product": "NN-KIT"}),
    ("en-US", "I need a razor", intents.ORDER_PRODUCT, {"Product": "NN-KIT"}),
    (
        "en-US",
        "Two packs of refills.",
        intents.ORDER_PRODUCT,
        {"Product": "NN-BLADES-8", "Quantity": "2"},
    ),
    ("en-US", "order 3 blades", intents.ORDER_PRODUCT, {"Product": "NN-BLADES-8", "Quantity": "3"}),
    ("en-GB", "I'd like some shaving cream", intents.ORDER_PRODUCT, {"Product": "NN-CREAM-6"}),
    ("en-US", "how much are refills", intents.PRODUCT_INFO, {"Product": "NN-BLADES-8"}),
    ("en-US", "what refills do you have", intents.BROWSE, {"Category": "Refills"}),
    ("en-US", "Where is my order?", intents.ORDER_STATUS, {}),
    ("en-US", "cancel my order", intents.CANCEL_ORDER, {}),
    ("en-US", "cancel", intents.CANCEL, {}),
    ("en-US", "reorder", intents.REORDER, {}),
    ("en-US", "I want a refund", intents.REFUND, {}),
    ("en-US", "cancel my refills", intents.CANCEL_REFILLS, {}),
    ("en-US", "yes", intents.YES, {}),
    ("en-US", "no thanks", intents.NO, {}),
    ("en-US", "ask no nicks to order a starter kit", intents.ORDER_PRODUCT, {"Product": "NN-KIT"}),
    ("en-US", "sing me a song", intents.FALLBACK, {}),
    ("de-DE", "Nachfüllklingen bestellen", intents.ORDER_PRODUCT, {"Product": "NN-BLADES-8"}),
    (
        "de-DE",
        "zwei Packungen Nachfüllklingen",
        intents.ORDER_PRODUCT,
        {"Product": "NN-BLADES-8", "Quantity": "2"},
    ),
    ("de-DE", "ich brauche einen Rasierer", intents.ORDER_PRODUCT, {"Product": "NN-KIT"}),
    ("de-DE", "wo ist meine Bestellung", intents.ORDER_STATUS, {}),
    ("de-DE", "ja", intents.YES, {}),
]


@pytest.mark.parametrize(("locale", "text", "intent", "slots"), TYPED)
def test_typed_text_resolves_to_the_intent_and_product(
    matchers, products, demo_store, locale, text, intent, slots
):
    understood = matchers[locale].understand(text)

    assert understood.request_type == "IntentRequest"
    assert understood.intent == intent
    resolved = {}
    for name, slot in understood.slots.items():
        if slot["type"] == intents.PRODUCT_TYPE:
            resolved[name] = next(sku for sku, pk in products.items() if pk == slot["id"])
        elif slot["type"] == intents.CATEGORY_TYPE:
            resolved[name] = demo_store.categories.get(pk=slot["id"]).name
        else:
            resolved[name] = slot["value"]
    assert resolved == slots


@pytest.mark.parametrize("text", ["Alexa, open No Nicks", "open no nicks", "no nicks"])
def test_opening_the_skill_by_name_is_a_launch(matchers, text):
    assert matchers["en-US"].understand(text).request_type == LAUNCH
    assert matchers["de-DE"].understand("Alexa, öffne no nicks").request_type == LAUNCH


def test_the_matcher_follows_catalog_edits(demo_store, products):
    Product.objects.filter(sku="NN-KIT").update(active=False)
    matcher = Matcher(build_skill_package(store=demo_store).models["en-US"], "en-US")
    assert matcher.understand("order a starter kit").intent == intents.FALLBACK
    assert matcher.understand("order refills").slots["Product"]["id"] == products["NN-BLADES-8"]


# --- the envelopes ------------------------------------------------------------------------


def test_envelopes_are_real_alexa_requests(matchers, products):
    shopper = ConsoleShopper()
    understood = matchers["en-US"].understand("two packs of refills")

    data = build_envelope(
        shopper=shopper, skill_id=DEMO_SKILL_ID, locale="en-US", understood=understood
    )

    parsed = DefaultSerializer().deserialize(json.dumps(data), RequestEnvelope)
    assert isinstance(parsed.request, IntentRequest)
    assert parsed.session.new is True
    assert parsed.session.application.application_id == DEMO_SKILL_ID
    assert parsed.context.system.user.user_id == shopper.user_id
    assert data["request"]["timestamp"].endswith("Z")
    slots = data["request"]["intent"]["slots"]
    assert slots["Quantity"] == {"name": "Quantity", "value": "2", "confirmationStatus": "NONE"}
    product = slots["Product"]
    assert product["value"] == "refills"
    (authority,) = product["resolutions"]["resolutionsPerAuthority"]
    assert authority["status"] == {"code": "ER_SUCCESS_MATCH"}
    assert authority["values"] == [
        {"value": {"name": "No Nicks Blade Refills", "id": products["NN-BLADES-8"]}}
    ]
    scopes = data["session"]["user"]["permissions"]["scopes"]
    assert scopes == {"payments:autopay_consent": {"status": "GRANTED"}}


def test_denied_and_never_asked_permissions(matchers):
    shopper = ConsoleShopper()
    denied = build_envelope(
        shopper=shopper, skill_id=DEMO_SKILL_ID, locale="en-US", consent="DENIED"
    )
    assert denied["context"]["System"]["user"]["permissions"] == {
        "scopes": {"payments:autopay_consent": {"status": "DENIED"}}
    }
    never = build_envelope(shopper=shopper, skill_id=DEMO_SKILL_ID, locale="en-US", consent="NONE")
    assert "permissions" not in never["context"]["System"]["user"]


def test_a_button_sends_the_intent_with_its_slots_empty(matchers):
    data = build_envelope(
        shopper=ConsoleShopper(),
        skill_id=DEMO_SKILL_ID,
        locale="en-US",
        understood=matchers["en-US"].intent(intents.ORDER_PRODUCT),
    )
    assert data["request"]["intent"]["slots"] == {
        "Product": {"name": "Product", "confirmationStatus": "NONE"},
        "Quantity": {"name": "Quantity", "confirmationStatus": "NONE"},
    }


# --- the page and its permissions ----------------------------------------------------------


@pytest.fixture
def owner(demo_store):
    client = Client()
    assert client.login(username="owner", password=DEMO_PASSWORD)
    return client


def say(client, action="text", text="", **extra):
    body = {"store": "no-nicks", "locale": "en-US", "action": action, "text": text, **extra}
    response = client.post(TURN, json.dumps(body), content_type="application/json")
    assert response.status_code == 200, response.content
    return response.json()


def test_anonymous_visitors_are_sent_to_log_in(demo_store, client):
    response = client.get("/console/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
    response = client.post(TURN, "{}", content_type="application/json")
    assert response.status_code == 302
    assert Interaction.objects.count() == 0


@pytest.mark.parametrize("username", ["editor", "support"])
def test_staff_who_do_not_own_the_store_cannot_use_it(demo_store, username):
    client = Client()
    client.login(username=username, password=DEMO_PASSWORD)

    page = client.get("/console/")
    turn = client.post(
        TURN,
        json.dumps({"store": "no-nicks", "action": "launch"}),
        content_type="application/json",
    )

    assert page.status_code == 403
    assert b"for store owners" in page.content
    assert turn.status_code == 404
    assert Interaction.objects.count() == 0


def test_an_owner_sees_only_their_stores(demo_store, owner):
    other = StoreFactory(name="Other Shop", slug="other-shop")
    MembershipFactory(store=other)  # someone else owns it

    page = owner.get("/console/")
    turn = owner.post(
        TURN,
        json.dumps({"store": "other-shop", "action": "launch"}),
        content_type="application/json",
    )

    assert page.status_code == 200
    assert b'value="no-nicks"' in page.content
    assert b"other-shop" not in page.content
    assert turn.status_code == 404
    assert Interaction.objects.filter(store=other).count() == 0


# --- conversations through the real skill -------------------------------------------------


def test_a_whole_order_on_the_console_is_a_test_order(demo_store, owner, products):
    launch = say(owner, "launch")
    pitch = say(owner, text="order a starter kit")
    summary = say(owner, "yes")
    placed = say(owner, "yes")

    assert "Welcome to No Nicks" in launch["exchanges"][0]["speech"]
    assert launch["session_open"] is True
    assert pitch["exchanges"][0]["understood"]["intent"] == intents.ORDER_PRODUCT
    assert "Do you want to order it?" in pitch["exchanges"][0]["speech"]
    assert [e["kind"] for e in summary["exchanges"]] == ["shopper", "amazon_pay"]
    assert [d["name"] for d in summary["exchanges"][0]["directives"]] == ["Setup"]
    assert summary["exchanges"][1]["amazon_pay"]["status"]["code"] == "200"
    assert "Do you want me to complete your order now?" in summary["exchanges"][1]["speech"]
    assert [d["name"] for d in placed["exchanges"][0]["directives"]] == ["Charge"]
    assert "Your order has been placed." in placed["exchanges"][1]["speech"]
    assert placed["exchanges"][1]["card"] is not None
    assert placed["session_open"] is False

    (order,) = Order.objects.filter(store=demo_store)
    assert order.status == OrderStatus.PLACED
    assert order.is_test is True
    assert order.source == OrderSource.CONSOLE
    assert [line.product_id for line in order.lines.all()] == [int(products["NN-KIT"])]
    logged = list(Interaction.objects.filter(store=demo_store).order_by("id"))
    assert {x.source for x in logged} == {"console"}
    assert [(x.request_type, x.intent) for x in logged] == [
        ("LaunchRequest", ""),
        ("IntentRequest", intents.ORDER_PRODUCT),
        ("IntentRequest", intents.YES),
        ("Connections.Response", ""),
        ("IntentRequest", intents.YES),
        ("Connections.Response", ""),
    ]
    assert logged[1].slots == {"Product": products["NN-KIT"]}


def test_a_simulated_decline_places_no_order(demo_store, owner):
    say(owner, text="order a starter kit")
    say(owner, "yes")
    declined = say(owner, "yes", charge_outcome="Declined:InvalidPaymentMethod")

    pay = declined["exchanges"][1]["amazon_pay"]
    details = pay["payload"]["authorizationDetails"]
    assert details["authorizationStatus"]["state"] == "Declined"
    assert details["authorizationStatus"]["reasonCode"] == "InvalidPaymentMethod"
    assert details["softDecline"] is True
    assert "has been placed" not in declined["exchanges"][1]["speech"]
    assert not Order.objects.filter(store=demo_store, status=OrderStatus.PLACED).exists()


def test_a_denied_permission_asks_for_consent_and_sends_no_setup(demo_store, owner):
    say(owner, text="order a starter kit", consent="DENIED")
    answer = say(owner, "yes", consent="DENIED")

    (exchange,) = answer["exchanges"]
    assert exchange["directives"] == []
    assert exchange["card"]["type"] == "AskForPermissionsConsent"
    assert exchange["card"]["permissions"] == ["payments:autopay_consent"]
    assert not Order.objects.filter(store=demo_store, status=OrderStatus.PLACED).exists()


def test_setup_access_denied_from_the_sandbox_places_no_order(demo_store, owner):
    say(owner, text="order a starter kit")
    answer = say(owner, "yes", setup_outcome="ACCESS_DENIED")

    assert answer["exchanges"][1]["amazon_pay"]["status"] == {
        "code": "403",
        "message": "ACCESS_DENIED",
    }
    assert not Order.objects.filter(store=demo_store, status=OrderStatus.PLACED).exists()


def test_the_console_keeps_one_shopper_per_browser_session(demo_store, owner):
    say(owner, "launch")
    say(owner, text="where is my order")
    other_browser = Client()
    other_browser.login(username="owner", password=DEMO_PASSWORD)
    say(other_browser, "launch")

    first, second, third = Interaction.objects.filter(store=demo_store).order_by("id")
    assert first.customer_id == second.customer_id
    assert first.session_id == second.session_id
    assert third.customer_id != first.customer_id

    say(owner, "reset")
    say(owner, "launch")
    fourth = Interaction.objects.filter(store=demo_store).order_by("id").last()
    assert fourth.customer_id not in {first.customer_id, third.customer_id}


def test_an_invalid_catalog_shows_the_package_errors(demo_store, owner):
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    kit.synonyms.create(value="help", locale="en-US", store=demo_store)
    response = owner.post(
        TURN,
        json.dumps({"store": "no-nicks", "action": "text", "text": "help"}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == [
        'en-US: "help" (AMAZON.HelpIntent) also matches "{Product}" (OrderProductIntent) '
        'through "help" of product "No Nicks Starter Kit" (SKU NN-KIT).'
    ]
    assert Interaction.objects.count() == 0


# --- the matcher kept between turns ----------------------------------------------------------


@pytest.fixture
def builds(monkeypatch):
    """How many times the console built the skill package."""
    from voicelab.console import views

    real, calls = views.build_skill_package, []

    def counting(**kwargs):
        calls.append(kwargs["store"].pk)
        return real(**kwargs)

    monkeypatch.setattr(views, "build_skill_package", counting)
    return calls


def test_the_console_builds_the_package_once_until_the_catalog_changes(
    demo_store, owner, builds, products
):
    say(owner, "launch")
    say(owner, text="what refills do you have")
    say(owner, "help")
    assert len(builds) == 1

    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    kit.synonyms.create(value="shaving set", locale="", store=demo_store)  # as the admin does
    answer = say(owner, text="order a shaving set")
    assert len(builds) == 2
    assert answer["exchanges"][0]["understood"]["slots"]["Product"]["id"] == products["NN-KIT"]

    kit.active = False
    kit.save()
    assert say(owner, text="order a shaving set")["exchanges"][0]["understood"]["intent"] == (
        intents.FALLBACK
    )
    assert len(builds) == 3


def test_orders_taking_stock_do_not_rebuild_the_console_model(demo_store, owner, builds):
    stock = Product.objects.get(sku="NN-KIT").stock
    say(owner, "launch")
    say(owner, text="order a starter kit")
    say(owner, "yes")
    say(owner, "yes")  # placed: the kit's stock went down
    assert Product.objects.get(sku="NN-KIT").stock == stock - 1
    say(owner, "launch")
    assert len(builds) == 1


def test_saving_the_store_settings_rebuilds_the_console_model(demo_store, owner, builds):
    say(owner, text="open no nicks")
    demo_store.invocation_name = "close shave"
    demo_store.save()
    assert say(owner, text="open close shave")["exchanges"][0]["request_type"] == "LaunchRequest"
    assert len(builds) == 2


def test_an_invalid_catalog_stays_refused_until_it_is_fixed(demo_store, owner, builds):
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    synonym = kit.synonyms.create(value="help", locale="en-US", store=demo_store)
    body = json.dumps({"store": "no-nicks", "action": "text", "text": "help"})
    for _ in range(2):
        response = owner.post(TURN, body, content_type="application/json")
        assert response.status_code == 400
        assert "help" in response.json()["errors"][0]
    assert len(builds) == 1
    synonym.delete()
    assert say(owner, "help")["exchanges"][0]["understood"]["intent"] == intents.HELP
    assert len(builds) == 2


def test_pay_on_delivery_on_the_console_delivers_to_the_sandbox_address(demo_store, owner):
    from merchant.models import PaymentMode

    demo_store.payment_mode = PaymentMode.PAY_ON_DELIVERY
    demo_store.save()
    say(owner, "launch")
    say(owner, text="order refills")
    denied = say(owner, "yes", consent="DENIED")["exchanges"][0]
    assert denied["card"]["permissions"] == [
        "read::alexa:device:all:address",
        "alexa::profile:email:read",
    ]
    assert Order.objects.get(store=demo_store).status == OrderStatus.DRAFT

    say(owner, "launch")  # the unfinished order is offered again
    summary = say(owner, "yes")["exchanges"][0]
    assert "It will be delivered to 410 Terry Ave N, Seattle, WA, 98109." in summary["speech"]
    assert "Payment is due on delivery." in summary["speech"]
    placed = say(owner, "yes")["exchanges"][0]
    assert placed["speech"].startswith("Your order has been placed.")
    order = Order.objects.get(store=demo_store)
    assert order.is_test is True
    assert order.shipping_address["postalCode"] == "98109"
