"""Voice with a linked web account (the request carries the account's access token): the
shared cart, the wish list, "order my cart" charged to the saved card on localstripe, and
what an unlinked shopper hears instead. The voice purchase code, declined cards and cards
needing 3-D Secure are in ``test_linked_payment.py``."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from catalog.models import Product
from orders.models import Customer, Order, OrderChannel, OrderStatus
from orders.tests.factories import CustomerFactory, OrderFactory, OrderLineFactory
from shoppers import selectors as shopper_selectors
from shoppers import services as shoppers
from shoppers.models import CartLine, WishListItem
from skill.models import Conversation, Interaction, Step
from skill.testing.envelopes import Shopper, product_slot, speech_of

from .linked_shopper import LINKED_USER, link_token

SUMMARY = (
    "Your order: one starter kit and 2 blade refill packs. The total is 46 dollars and 44 "
    "cents, including 3 dollars and 44 cents tax and 4 dollars shipping. I'll charge your "
    "Visa ending in 4242 and deliver to 12 Pike Street, Seattle, WA, 98101. "
    "Shall I place the order?"
)
LINK_ACCOUNT = (
    "To use your cart, your wish list and your saved cards, please link your account from "
    "our web shop. I've sent a card to the Alexa app that takes you there."
)


def kit() -> Product:
    return Product.objects.get(sku="NN-KIT")


def blades() -> Product:
    return Product.objects.get(sku="NN-BLADES-8")


def fill_cart(linked) -> None:
    shoppers.cart_add(customer=linked.account.customer, product=kit())
    shoppers.cart_add(customer=linked.account.customer, product=blades(), quantity=2)


def cart_of(linked) -> list[tuple[str, int]]:
    return [
        (line.product.sku, line.quantity)
        for line in shopper_selectors.cart_lines(linked.account.customer)
    ]


@pytest.mark.django_db
def test_whats_in_my_cart_speaks_the_items_and_the_total(linked):
    fill_cart(linked)
    answer = linked.shopper.say("CartContentsIntent")
    assert speech_of(answer) == (
        "In your cart: one starter kit and 2 blade refill packs. The total is 46 dollars and "
        "44 cents with tax and shipping. To order it, say order my cart."
    )
    assert answer["response"]["shouldEndSession"] is False
    row = Interaction.objects.get(intent="CartContentsIntent")
    assert (row.outcome, row.customer_id) == ("cart_read", linked.account.customer_id)


@pytest.mark.django_db
def test_an_empty_cart_is_said_so(linked):
    answer = linked.shopper.say("CartContentsIntent")
    assert speech_of(answer) == "Your cart is empty. You can say add, and a product, to my cart."


@pytest.mark.django_db
def test_the_first_linked_turn_makes_the_voice_customer_the_accounts(linked):
    before = CustomerFactory(store=linked.store, alexa_user_id=LINKED_USER)
    OrderFactory(store=linked.store, customer=before, status=OrderStatus.DELIVERED)
    linked.shopper.say("CartContentsIntent")
    linked.account.customer.refresh_from_db()
    assert linked.account.customer.alexa_user_id == LINKED_USER
    assert Customer.objects.get(pk=before.pk).alexa_user_id.startswith("merged:")
    assert list(
        Order.objects.filter(customer=linked.account.customer).values_list("status", flat=True)
    ) == [OrderStatus.DELIVERED]
    assert Interaction.objects.get().customer_id == linked.account.customer_id


@pytest.mark.django_db
def test_add_to_my_cart_puts_it_in_the_cart_the_web_shop_shows(linked):
    answer = linked.shopper.say("AddToCartIntent", Product=product_slot(kit()))
    assert speech_of(answer) == (
        "I've added the starter kit to your cart. There's one in it now. "
        "Anything else? You can also say order my cart."
    )
    again = linked.shopper.say("AddToCartIntent", Product=product_slot(kit()))
    assert speech_of(again).startswith("I've added the starter kit to your cart. There are 2")
    assert cart_of(linked) == [("NN-KIT", 2)]


@pytest.mark.django_db
def test_add_to_my_cart_when_out_of_stock_adds_nothing(linked):
    Product.objects.filter(sku="NN-KIT").update(stock=0)
    answer = linked.shopper.say("AddToCartIntent", Product=product_slot(kit()))
    assert speech_of(answer).startswith("Sorry, the starter kit is not available right now.")
    assert CartLine.objects.count() == 0


@pytest.mark.django_db
def test_wish_list_add_and_read(linked):
    answer = linked.shopper.say("AddToWishListIntent", Product=product_slot(blades()))
    assert speech_of(answer) == (
        "I've added the blade refill pack to your wish list. "
        "Is there anything else I can do for you?"
    )
    linked.shopper.say("AddToWishListIntent", Product=product_slot(blades()))
    linked.shopper.say("AddToWishListIntent", Product=product_slot(kit()))
    assert WishListItem.objects.filter(customer=linked.account.customer).count() == 2
    read = linked.shopper.say("WishListContentsIntent")
    assert speech_of(read) == (
        "On your wish list: blade refill pack and starter kit. To order one, say order, its "
        "name, from my wish list."
    )


@pytest.mark.django_db
def test_an_empty_wish_list(linked):
    assert speech_of(linked.shopper.say("WishListContentsIntent")) == (
        "Your wish list is empty. You can say add, and a product, to my wish list."
    )


@pytest.mark.django_db
def test_order_my_cart_states_total_card_and_address_then_places_with_the_card(linked):
    fill_cart(linked)
    summary = linked.shopper.say("OrderCartIntent")
    assert speech_of(summary) == SUMMARY
    assert Conversation.objects.get().step == Step.CONFIRM_CART_ORDER
    done = linked.shopper.yes()
    order = Order.objects.get(status=OrderStatus.PLACED)
    assert speech_of(done) == (
        "Done. 46 dollars and 44 cents goes on your Visa ending in 4242, and your order "
        f"{order.number} is placed."
    )
    assert done["response"]["shouldEndSession"] is True
    card = done["response"]["card"]
    assert card["title"] == f"Order {order.number} placed"
    assert "Paid with your Visa ending in 4242." in card["content"]
    assert (order.customer_id, order.channel, order.total) == (
        linked.account.customer_id,
        OrderChannel.VOICE,
        Decimal("46.44"),
    )
    assert order.shipping_address["addressLine1"] == "12 Pike Street"
    assert cart_of(linked) == []
    assert Conversation.objects.get().step == Step.IDLE


@pytest.mark.django_db
def test_no_to_the_summary_orders_nothing_and_keeps_the_cart(linked):
    fill_cart(linked)
    linked.shopper.say("OrderCartIntent")
    answer = linked.shopper.no()
    assert speech_of(answer) == "OK, I haven't ordered anything."
    assert Order.objects.exclude(status=OrderStatus.DRAFT).count() == 0
    assert cart_of(linked) == [("NN-KIT", 1), ("NN-BLADES-8", 2)]


@pytest.mark.django_db
def test_order_my_cart_with_an_empty_cart(linked):
    answer = linked.shopper.say("OrderCartIntent")
    assert speech_of(answer) == "Your cart is empty. You can say add, and a product, to my cart."
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_order_from_my_wish_list_places_one_and_leaves_the_cart(linked):
    shoppers.wishlist_add(customer=linked.account.customer, product=kit())
    shoppers.cart_add(customer=linked.account.customer, product=blades())
    summary = linked.shopper.say("OrderFromWishListIntent", Product=product_slot(kit()))
    assert speech_of(summary) == (
        "Your order: one starter kit. The total is 14 dollars and 4 cents, including 1 "
        "dollar and 4 cents tax and 4 dollars shipping. I'll charge your Visa ending in "
        "4242 and deliver to 12 Pike Street, Seattle, WA, 98101. Shall I place the order?"
    )
    linked.shopper.yes()
    order = Order.objects.get(status=OrderStatus.PLACED)
    assert [(line.sku, line.quantity) for line in order.lines.all()] == [("NN-KIT", 1)]
    assert cart_of(linked) == [("NN-BLADES-8", 1)]


@pytest.mark.django_db
def test_order_from_my_wish_list_refuses_what_is_not_on_it(linked):
    answer = linked.shopper.say("OrderFromWishListIntent", Product=product_slot(kit()))
    assert speech_of(answer) == (
        "The starter kit isn't on your wish list. What would you like to do?"
    )
    assert Conversation.objects.get().step == Step.IDLE


@pytest.mark.django_db
def test_reorder_finds_the_last_web_order(linked):
    web = OrderFactory(
        store=linked.store,
        customer=linked.account.customer,
        status=OrderStatus.DELIVERED,
        channel=OrderChannel.WEB,
    )
    OrderLineFactory(order=web, store=linked.store, product=blades(), sku="NN-BLADES-8", quantity=3)
    linked.shopper.say("ReorderIntent")
    cart = Conversation.objects.get(customer=linked.account.customer).order
    assert cart is not None and cart.status == OrderStatus.DRAFT
    assert [(line.sku, line.quantity) for line in cart.lines.all()] == [("NN-BLADES-8", 3)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "intent, slots",
    [
        ("CartContentsIntent", {}),
        ("OrderCartIntent", {}),
        ("WishListContentsIntent", {}),
        ("AddToWishListIntent", {"Product": "kit"}),
        ("OrderFromWishListIntent", {"Product": "kit"}),
    ],
)
def test_unlinked_shoppers_get_the_link_account_card(shopper, demo_store, intent, slots):
    filled = {name: product_slot(kit()) for name in slots}
    answer = shopper.say(intent, **filled)
    assert speech_of(answer) == LINK_ACCOUNT
    assert answer["response"]["card"] == {"type": "LinkAccount"}
    assert answer["response"]["shouldEndSession"] is True
    assert (CartLine.objects.count(), WishListItem.objects.count(), Order.objects.count()) == (
        0,
        0,
        0,
    )
    assert Interaction.objects.get().outcome == "link_needed"


@pytest.mark.django_db
def test_unlinked_add_to_my_cart_is_todays_pitch(shopper, demo_store):
    answer = shopper.say("AddToCartIntent", Product=product_slot(kit()))
    assert speech_of(answer).endswith("Do you want to order it?")
    assert Conversation.objects.get().step == Step.OFFER_PRODUCT
    assert CartLine.objects.count() == 0


@pytest.mark.django_db
def test_an_expired_or_foreign_token_is_not_linked(linked, client):
    expired = link_token(linked.store, linked.account, expires_in=-10)
    answer = Shopper(client, linked.shopper.skill_id, account_token=expired).say(
        "CartContentsIntent"
    )
    assert speech_of(answer) == LINK_ACCOUNT
    unknown = Shopper(client, linked.shopper.skill_id, account_token="made-up-token")
    assert speech_of(unknown.say("CartContentsIntent")) == LINK_ACCOUNT


@pytest.mark.django_db
def test_a_token_without_the_orders_scope_cannot_order(linked, client):
    fill_cart(linked)
    cart_only = link_token(linked.store, linked.account, scope="profile cart")
    shopper = Shopper(client, linked.shopper.skill_id, account_token=cart_only)
    assert speech_of(shopper.say("CartContentsIntent")).startswith("In your cart:")
    answer = shopper.say("OrderCartIntent")
    assert speech_of(answer).startswith("Your linked account doesn't allow that yet.")
    assert answer["response"]["card"] == {"type": "LinkAccount"}
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_web_and_voice_share_one_cart_at_the_next_load(linked):
    web = Client()
    web.force_login(linked.account.user, backend="shoppers.auth.ShopperBackend")
    cart_page = reverse("shop:cart", args=[linked.store.slug])

    linked.shopper.say("AddToCartIntent", Product=product_slot(kit()))
    page = web.get(cart_page)
    assert [(line.product.sku, line.quantity) for line in page.context["summary"].lines] == [
        ("NN-KIT", 1)
    ]
    assert "starter kit" in page.content.decode().lower()

    added = web.post(
        reverse("shop:cart_add", args=[linked.store.slug, blades().pk]), {"quantity": "2"}
    )
    assert added.status_code == 302
    answer = linked.shopper.say("CartContentsIntent")
    assert speech_of(answer) == (
        "In your cart: one starter kit and 2 blade refill packs. The total is 46 dollars and "
        "44 cents with tax and shipping. To order it, say order my cart."
    )
