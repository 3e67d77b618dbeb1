"""The voice test console playing one of the store's shopper accounts, linked through the
sandbox: the account's cart by voice, "order my cart" placing the account's order, a live
store's refusal, another store's account, and back to a new shopper."""

import json

import pytest
from django.test import Client
from oauth2_provider.models import AccessToken

from catalog.models import Product
from demo.seed import DEMO_PASSWORD
from linking.errors import LinkingErrorCode
from linking.models import AlexaClientEvent
from merchant.models import PaymentMode
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders.models import Order, OrderStatus
from shoppers import selectors as shopper_selectors
from shoppers import services as shoppers
from shoppers.tests.factories import ShopperAccountFactory
from skill.models import Interaction
from skill.testing.envelopes import ConsoleShopper, build_envelope
from skill.tests.linked_shopper import make_account
from voicelab.console.views import SESSION_KEY

TURN = "/console/turn/"


@pytest.fixture
def owner(demo_store):
    client = Client()
    assert client.login(username="owner", password=DEMO_PASSWORD)
    return client


@pytest.fixture
def ada(demo_store):
    return make_account(demo_store)


def post(client, action="text", text="", **extra):
    body = {"store": "no-nicks", "locale": "en-US", "action": action, "text": text, **extra}
    return client.post(TURN, json.dumps(body), content_type="application/json")


def say(client, action="text", text="", **extra) -> dict:
    response = post(client, action, text, **extra)
    assert response.status_code == 200, response.content
    return response.json()


def console_shopper(client, store) -> dict | None:
    return client.session.get(SESSION_KEY, {}).get(str(store.pk))


def fill_cart(account) -> None:
    shoppers.cart_add(customer=account.customer, product=Product.objects.get(sku="NN-KIT"))
    blades = Product.objects.get(sku="NN-BLADES-8")
    shoppers.cart_add(customer=account.customer, product=blades, quantity=2)


def test_playing_as_an_account_reads_its_cart(demo_store, owner, ada):
    fill_cart(ada)

    reset = say(owner, "reset", play_as=ada.pk)
    answer = say(owner, text="what's in my cart")

    assert reset == {
        "exchanges": [],
        "session_open": False,
        "reset": True,
        "playing_as": "Ada Lovelace <ada@example.com>",
    }
    kept = console_shopper(owner, demo_store)
    (token,) = AccessToken.objects.filter(user=ada.user)
    assert kept["account_token"] == token.token
    assert (kept["account_email"], kept["account_name"]) == ("ada@example.com", "Ada Lovelace")
    assert kept["user_id"] == f"amzn1.ask.account.CONSOLEACCOUNT{ada.pk}"
    (exchange,) = answer["exchanges"]
    assert exchange["understood"]["intent"] == "CartContentsIntent"
    assert exchange["request"]["context"]["System"]["user"]["accessToken"] == token.token
    assert exchange["speech"] == (
        "In your cart: one starter kit and 2 blade refill packs. The total is 42 dollars and "
        "12 cents with tax and shipping. To order it, say order my cart."
    )
    ada.customer.refresh_from_db()
    assert ada.customer.alexa_user_id == kept["user_id"]  # attached on first sight
    row = Interaction.objects.get(store=demo_store)
    assert (row.outcome, row.customer_id) == ("cart_read", ada.customer_id)
    assert AlexaClientEvent.objects.filter(store=demo_store, actor_label="owner").count() == 1


def test_an_account_already_on_alexa_is_played_with_its_alexa_user_id(demo_store, owner, ada):
    ada.customer.alexa_user_id = "amzn1.ask.account.ADAONECHO"
    ada.customer.save(update_fields=["alexa_user_id"])

    say(owner, "reset", play_as=str(ada.pk))
    say(owner, text="what's in my cart")

    assert console_shopper(owner, demo_store)["user_id"] == "amzn1.ask.account.ADAONECHO"
    assert Interaction.objects.get(store=demo_store).customer_id == ada.customer_id


def test_order_my_cart_with_pay_on_delivery_places_the_accounts_order(demo_store, owner, ada):
    demo_store.payment_mode = PaymentMode.PAY_ON_DELIVERY
    demo_store.save()
    fill_cart(ada)

    say(owner, "reset", play_as=ada.pk)
    summary = say(owner, text="order my cart")["exchanges"][0]
    placed = say(owner, "yes")["exchanges"][0]

    assert summary["understood"]["intent"] == "OrderCartIntent"
    assert summary["speech"] == (
        "Your order: one starter kit and 2 blade refill packs. The total is 42 dollars and 12 "
        "cents, including 3 dollars and 12 cents tax and free shipping. Payment is due on "
        "delivery. I'll deliver to 12 Pike Street, Seattle, WA, 98101. Shall I place the order?"
    )
    (order,) = Order.objects.filter(store=demo_store).exclude(status=OrderStatus.DRAFT)
    # A test order, as every order placed from the console: channel voice, source console.
    assert (order.customer_id, order.status, order.is_test, order.source, order.channel) == (
        ada.customer_id,
        OrderStatus.PLACED,
        True,
        "console",
        "voice",
    )
    assert sorted((line.sku, line.quantity) for line in order.lines.all()) == [
        ("NN-BLADES-8", 2),
        ("NN-KIT", 1),
    ]
    assert placed["speech"] == (
        "Your order has been placed. Payment of 42 dollars and 12 cents is due on delivery."
    )
    assert [o["number"] for o in placed["orders"]] == [order.number]
    assert shopper_selectors.cart_lines(ada.customer) == []


def test_a_live_store_refuses_in_words_and_nothing_changes(demo_store, owner, ada):
    say(owner, "launch")
    before = console_shopper(owner, demo_store)
    demo_store.sandbox_mode = False
    demo_store.save()

    response = post(owner, "reset", play_as=ada.pk)

    assert response.status_code == 400
    assert response.json() == {"error": LinkingErrorCode.NOT_SANDBOX.wording}
    assert console_shopper(owner, demo_store) == before
    assert before["account_token"] == ""
    assert AccessToken.objects.count() == 0
    assert AlexaClientEvent.objects.count() == 0


@pytest.mark.parametrize("play_as", ["other", "12x", True, None])
def test_another_stores_account_or_no_account_id_is_not_found(demo_store, owner, ada, play_as):
    other = StoreFactory(name="Other Shop", slug="other-shop")
    MembershipFactory(store=other)
    theirs = ShopperAccountFactory(store=other)
    say(owner, "launch")
    before = console_shopper(owner, demo_store)
    wanted = {"other": theirs.pk, "12x": "12x", True: True, None: {"id": ada.pk}}[play_as]

    response = post(owner, "reset", play_as=wanted)

    assert response.status_code == 404
    assert console_shopper(owner, demo_store) == before
    assert AccessToken.objects.count() == 0
    assert AlexaClientEvent.objects.count() == 0


def test_starting_over_as_a_new_shopper_drops_the_token(demo_store, owner, ada):
    say(owner, "reset", play_as=ada.pk)
    linked = console_shopper(owner, demo_store)

    reset = say(owner, "reset", play_as="")
    answer = say(owner, "launch")

    assert reset["playing_as"] == "a new shopper"
    kept = console_shopper(owner, demo_store)
    assert (kept["account_token"], kept["account_email"], kept["account_name"]) == ("", "", "")
    assert kept["user_id"] not in {linked["user_id"], ada.customer.alexa_user_id}
    assert "accessToken" not in answer["exchanges"][0]["request"]["context"]["System"]["user"]
    assert Interaction.objects.get(store=demo_store).customer_id != ada.customer_id


def test_the_page_offers_the_stores_newest_accounts_and_says_who_is_played(demo_store, owner):
    accounts = [ShopperAccountFactory(store=demo_store) for _ in range(21)]
    theirs = ShopperAccountFactory(store=StoreFactory(slug="other-shop"))
    say(owner, "reset", play_as=accounts[-1].pk)

    page = owner.get("/console/").content.decode()

    for account in accounts[1:]:
        assert f'<option value="{account.pk}" data-store="no-nicks">{account.name} &lt;' in page
    assert f'<option value="{accounts[0].pk}"' not in page  # the 21st newest
    assert theirs.email not in page
    label = f"{accounts[-1].name} &lt;{accounts[-1].email}&gt;"
    assert f'data-playing-as="{label}"' in page


def test_the_console_shopper_keeps_its_account_between_turns():
    shopper = ConsoleShopper(account_token="tok", account_email="a@example.com", account_name="A")

    kept = ConsoleShopper.from_dict(json.loads(json.dumps(shopper.as_dict())))
    sent = build_envelope(shopper=kept, skill_id="amzn1.ask.skill.TEST", locale="en-US")

    assert kept == shopper
    assert sent["context"]["System"]["user"]["accessToken"] == "tok"
    assert sent["session"]["user"]["accessToken"] == "tok"
