"""virtual-alexa plays a shopper whose web account is linked, against the running portal,
from the exported No Nicks models: each linked phrase of the en-US model said word for word
(and equivalents in en-GB and de-DE), a declined card, a card needing 3-D Secure, two Echo
devices saying yes to "order my cart" at the same moment, and three wrong voice purchase
codes.

Two devices at once need a database that serves two requests at once: PostgreSQL (the live
server shares SQLite's one in-memory connection between its threads).

The access token goes in ``context.System.user.accessToken`` (virtual-alexa's
``setAccessToken``), issued to the store's Alexa client as linking issues it. Cards are saved
on localstripe. ``voicelab/tests/virtual_alexa/converse.js`` plays the steps (the turns of a
step at once, the steps in order) and prints what was sent and answered.
"""

import json
import os
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from cards import services as cards
from catalog.models import Product
from demo.seed import DEMO_SKILL_ID
from orders.models import Order, OrderChannel, OrderStatus
from orders.tests.factories import OrderFactory, OrderLineFactory
from shoppers import selectors as shopper_selectors
from shoppers import services as shoppers
from shoppers.models import ShopperAccount, WishListItem
from skill import intents as i
from skill.speech import plain
from skill.tests.linked_shopper import (
    DECLINED_ON_CHARGE,
    NEEDS_AUTHENTICATION,
    VISA,
    link_token,
    make_account,
)
from testing import require
from voicelab.package import build_skill_package, write_skill_package

ROOT = Path(django_settings.BASE_DIR)
DRIVER = ROOT / "voicelab" / "tests" / "virtual_alexa" / "converse.js"
VIRTUAL_ALEXA = ROOT / "node_modules" / "virtual-alexa"

CART_GONE = (
    "Your cart is empty now. If it was just ordered from another device, that order has gone "
    "through."
)


@pytest.fixture
def no_verification(settings):
    settings.ALEXA_VERIFY_REQUESTS = False


def turn(device: str, text: str) -> dict:
    return {"device": device, "text": text}


class Driver:
    def __init__(self, store, live_server, tmp_path):
        node = shutil.which("node")
        require(node is not None, "needs node on PATH")
        require(VIRTUAL_ALEXA.is_dir(), "needs node_modules/virtual-alexa (npm ci)")
        self.node = node
        write_skill_package(build_skill_package(store=store), tmp_path)
        models = tmp_path / "skill-package" / "interactionModels" / "custom"
        self.base = {
            "skillUrl": f"{live_server.url}/alexa/",
            "applicationId": DEMO_SKILL_ID,
            "models": {loc: str(models / f"{loc}.json") for loc in store.locales()},
        }
        self.tmp_path = tmp_path
        self.devices: dict[str, dict] = {}

    def device(self, name: str, *, user: str, token: str = "", locale: str = "en-US") -> None:
        self.devices[name] = {
            "locale": locale,
            "userId": f"amzn1.ask.account.{user}",
            "deviceId": f"amzn1.ask.device.{name.upper()}",
            "accessToken": token,
        }

    def play(self, steps: list[list[dict]]) -> list[list[dict]]:
        path = self.tmp_path / "converse.json"
        path.write_text(
            json.dumps({**self.base, "devices": self.devices, "steps": steps}, ensure_ascii=False)
        )
        run = subprocess.run(
            [self.node, str(DRIVER), str(path)],
            capture_output=True,
            text=True,
            timeout=240,
            cwd=ROOT,
            env={**os.environ, "NODE_NO_WARNINGS": "1"},
        )
        assert run.returncode == 0, run.stderr
        played = json.loads(run.stdout)
        failed = [t for step in played for t in step if not t["ok"]]
        assert failed == []
        return played


def said(result: dict) -> str:
    return plain(result["speech"])


@pytest.fixture
def ada(transactional_db, demo_store, localstripe):
    """Ada's linked account with a Visa, a delivered web order of one blade refill pack, and
    shipping that costs 4 dollars."""
    demo_store.shipping_fee = Decimal("4.00")
    demo_store.save(update_fields=["shipping_fee"])
    account = make_account(demo_store)
    cards.card_save_for_test(customer=account.customer, number=VISA)
    blades = Product.objects.get(sku="NN-BLADES-8")
    web_order = OrderFactory(
        store=demo_store, customer=account.customer, status=OrderStatus.DELIVERED
    )
    OrderLineFactory(order=web_order, store=demo_store, product=blades, sku=blades.sku)
    Order.objects.filter(pk=web_order.pk).update(channel=OrderChannel.WEB)
    return account


def placed(customer) -> int:
    return Order.objects.filter(customer=customer).exclude(status=OrderStatus.DRAFT).count()


def test_a_linked_shopper_through_virtual_alexa(
    ada, demo_store, live_server, no_verification, tmp_path
):
    kit = Product.objects.get(sku="NN-KIT")
    bob = make_account(demo_store, "bob@example.com")
    cards.card_save_for_test(customer=bob.customer, number=DECLINED_ON_CHARGE)
    shoppers.cart_add(customer=bob.customer, product=kit)
    cleo = make_account(demo_store, "cleo@example.com")
    cards.card_save_for_test(customer=cleo.customer, number=NEEDS_AUTHENTICATION)
    shoppers.cart_add(customer=cleo.customer, product=kit)
    ada_token = link_token(demo_store, ada)

    driver = Driver(demo_store, live_server, tmp_path)
    driver.device("kitchen", user="ADA", token=ada_token)
    driver.device("garden", user="ADA", token=ada_token, locale="en-GB")
    driver.device("keller", user="ADA", token=ada_token, locale="de-DE")
    driver.device("bob", user="BOB", token=link_token(demo_store, bob))
    driver.device("cleo", user="CLEO", token=link_token(demo_store, cleo))
    driver.device("guest", user="GUEST")

    played = driver.play(
        [
            [turn("kitchen", "what's in my cart")],
            [turn("kitchen", "add starter kit to my cart")],
            [turn("kitchen", "add shaving cream to my wish list")],
            [turn("kitchen", "what's on my wish list")],
            [turn("garden", "what's in my basket")],
            [turn("keller", "was steht auf meinem wunschzettel")],
            [turn("kitchen", "order shaving cream from my wish list")],
            [turn("kitchen", "yes")],
            [turn("kitchen", "what's in my cart")],
            [turn("kitchen", "order my cart")],
            [turn("kitchen", "yes")],
            [turn("bob", "order my cart")],
            [turn("bob", "yes")],
            [turn("cleo", "order my cart")],
            [turn("cleo", "yes")],
            [turn("guest", "what's in my cart")],
        ]
    )
    assert [t["intent"] for step in played for t in step] == [
        i.CART_CONTENTS,
        i.ADD_TO_CART,
        i.ADD_TO_WISH_LIST,
        i.WISH_LIST_CONTENTS,
        i.CART_CONTENTS,
        i.WISH_LIST_CONTENTS,
        i.ORDER_FROM_WISH_LIST,
        i.YES,
        i.CART_CONTENTS,
        i.ORDER_CART,
        i.YES,
        i.ORDER_CART,
        i.YES,
        i.ORDER_CART,
        i.YES,
        i.CART_CONTENTS,
    ]
    speech = [said(step[0]) for step in played]
    cream_order = Order.objects.get(customer=ada.customer, lines__sku="NN-CREAM-6")
    kit_order = Order.objects.get(customer=ada.customer, lines__sku="NN-KIT")
    summary = (
        "Your order: one starter kit. The total is 14 dollars and 4 cents, including 1 dollar "
        "and 4 cents tax and 4 dollars shipping. I'll charge your Visa ending in {} and "
        "deliver to 12 Pike Street, Seattle, WA, 98101. Shall I place the order?"
    )
    assert speech[:11] == [
        "Your cart is empty. You can say add, and a product, to my cart.",
        "I've added the starter kit to your cart. There's one in it now. "
        "Anything else? You can also say order my cart.",
        "I've added the menthol shaving cream to your wish list. "
        "Is there anything else I can do for you?",
        "On your wish list: menthol shaving cream. To order one, say order, its name, from my "
        "wish list.",
        "In your cart: one starter kit. The total is 14 dollars 4 with tax and shipping. "
        "To order it, say order my cart.",
        "Auf deinem Wunschzettel: Rasiercreme. Zum Bestellen sag: bestelle, dann den Namen, von "
        "meinem Wunschzettel.",
        "Your order: one menthol shaving cream. The total is 11 dollars and 88 cents, including "
        "88 cents tax and 4 dollars shipping. I'll charge your Visa ending in 4242 and deliver "
        "to 12 Pike Street, Seattle, WA, 98101. Shall I place the order?",
        "Done. 11 dollars and 88 cents goes on your Visa ending in 4242, and your order "
        f"{cream_order.number} is placed.",
        "In your cart: one starter kit. The total is 14 dollars and 4 cents with tax and "
        "shipping. To order it, say order my cart.",
        summary.format(4242),
        "Done. 14 dollars and 4 cents goes on your Visa ending in 4242, and your order "
        f"{kit_order.number} is placed.",
    ]
    assert (cream_order.channel, kit_order.channel) == (OrderChannel.VOICE, OrderChannel.VOICE)
    assert shopper_selectors.cart_lines(ada.customer) == []
    # Bob's card is declined: said plainly, nothing placed, his cart kept.
    assert speech[11:13] == [
        summary.format("0341"),
        "Your Visa ending in 0341 was declined, so your order has not been placed and you "
        "have not been charged. You can use another card in our web shop.",
    ]
    assert placed(bob.customer) == 0
    assert len(shopper_selectors.cart_lines(bob.customer)) == 1
    # Cleo's bank wants 3-D Secure: a link in the Alexa app, nothing placed.
    assert speech[14] == (
        "Your bank wants you to confirm this payment, so I sent a link to finish on your phone. "
        "It's in the Alexa app and in your email. Your order is placed once you finish there."
    )
    card = played[14][0]["card"]
    assert card["type"] == "Standard" and f"/shop/{demo_store.slug}/pay/" in card["text"]
    assert placed(cleo.customer) == 0
    # Not linked: the LinkAccount card.
    assert played[15][0]["card"] == {"type": "LinkAccount"}
    assert WishListItem.objects.filter(customer=ada.customer).count() == 1

    # The store now asks for the voice purchase code: three wrong codes pause purchases.
    demo_store.voice_purchase_code_required = True
    demo_store.save(update_fields=["voice_purchase_code_required"])
    shoppers.voice_code_set(account=ada, code="4821")
    shoppers.cart_add(customer=ada.customer, product=kit)
    played = driver.play(
        [
            [turn("kitchen", "order my cart")],
            [turn("kitchen", "yes")],
            [turn("kitchen", "my code is 1111")],
            [turn("kitchen", "2222")],
            [turn("kitchen", "the code is 3333")],
            [turn("kitchen", "order my cart")],
        ]
    )
    assert [step[0]["intent"] for step in played] == [
        i.ORDER_CART,
        i.YES,
        i.VOICE_CODE,
        i.VOICE_CODE,
        i.VOICE_CODE,
        i.ORDER_CART,
    ]
    assert played[2][0]["slots"]["Code"]["value"] == "1111"
    speech = [said(step[0]) for step in played]
    assert speech[1:6] == [
        "Please say your four-digit voice purchase code.",
        "That code isn't right. Please say your four-digit voice purchase code again.",
        "That code isn't right. Please say your four-digit voice purchase code again.",
        "That code isn't right either. After three wrong codes, voice purchases stop for 15 "
        "minutes. Nothing was ordered and you have not been charged.",
        "Voice purchases are paused after three wrong codes. Please try again in 15 minutes.",
    ]
    assert ShopperAccount.objects.get(pk=ada.pk).voice_code_locked_until is not None
    assert placed(ada.customer) == 3  # the web order, the cream, the first kit
    assert [line.product.sku for line in shopper_selectors.cart_lines(ada.customer)] == ["NN-KIT"]


def test_reorder_finds_the_last_web_order(ada, demo_store, live_server, no_verification, tmp_path):
    driver = Driver(demo_store, live_server, tmp_path)
    driver.device("kitchen", user="ADA", token=link_token(demo_store, ada))
    played = driver.play([[turn("kitchen", "re-order")]])
    assert played[0][0]["intent"] == i.REORDER
    reorder_cart = Order.objects.get(customer=ada.customer, status=OrderStatus.DRAFT)
    assert [(line.sku, line.quantity) for line in reorder_cart.lines.all()] == [("NN-BLADES-8", 1)]
    assert reorder_cart.channel == OrderChannel.VOICE


def test_two_devices_saying_yes_at_once_place_one_order(
    ada, demo_store, live_server, no_verification, tmp_path
):
    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    shoppers.cart_add(customer=ada.customer, product=Product.objects.get(sku="NN-KIT"))
    token = link_token(demo_store, ada)
    driver = Driver(demo_store, live_server, tmp_path)
    driver.device("kitchen", user="ADA", token=token)
    driver.device("hall", user="ADA", token=token)
    played = driver.play(
        [
            [turn("kitchen", "order my cart"), turn("hall", "order my cart")],
            [turn("kitchen", "yes"), turn("hall", "yes")],
        ]
    )
    assert [t["intent"] for step in played for t in step] == [
        i.ORDER_CART,
        i.ORDER_CART,
        i.YES,
        i.YES,
    ]
    answers = sorted(said(t) for t in played[1])
    order = Order.objects.get(customer=ada.customer, lines__sku="NN-KIT")
    assert answers == [
        "Done. 14 dollars and 4 cents goes on your Visa ending in 4242, and your order "
        f"{order.number} is placed.",
        CART_GONE,
    ]
    assert placed(ada.customer) == 2  # the web order and this one
    assert shopper_selectors.cart_lines(ada.customer) == []
