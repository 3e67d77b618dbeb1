"""Checkout: the cart becomes an order priced like a voice order; pay on delivery, or a saved
card through cards' ``order_pay_with_card`` (here a test double of exactly its signature, to
play every outcome; ``test_cards_path.py`` runs the real one against localstripe)."""

from decimal import Decimal

import pytest

from cards import errors as card_errors
from cards import models as card_models
from cards import services as cards
from catalog.tests.factories import ProductFactory
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from orders import services as orders
from orders.models import Order, OrderChannel, OrderStatus, PaymentStatus
from orders.services.placing import PlaceResult
from shoppers import services
from shoppers.errors import CheckoutError
from shoppers.models import CartCheckout, CartLine, WishListItem

from .factories import ShopperAccountFactory, ShopperAddressFactory

pytestmark = pytest.mark.django_db

ADA = {
    "name": "Ada Lovelace",
    "addressLine1": "12 Analytical Row",
    "addressLine2": "Flat 3",
    "city": "Seattle",
    "stateOrRegion": "WA",
    "postalCode": "98101",
    "countryCode": "US",
    "phone": "+1 206 555 0100",
}


class PayWithCard:
    """Stands in for ``cards.services.order_pay_with_card(*, order, card, off_session,
    actor_label) -> PlaceResult``: books an authorization of the order's total and places it,
    or refuses like a declined card or one needing 3-D Secure (nothing placed)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int, bool, str]] = []
        self.outcome = "pay"

    def __call__(
        self, *, order: Order, card: card_models.SavedCard, off_session: bool, actor_label: str
    ) -> PlaceResult:
        self.calls.append((order.number, card.customer_id, off_session, actor_label))
        if self.outcome == "decline":
            raise card_errors.CardDeclined("Your card was declined.")
        if self.outcome == "authenticate":
            raise card_errors.CardNeedsAuthentication("https://shop.example.com/pay/t0ken/")
        return orders.order_place(
            order=order,
            payment=orders.PaymentResult(reference_id=f"card-{order.number}", amount=order.total),
            actor_label=actor_label,
        )


@pytest.fixture
def pay_with_card(monkeypatch):
    double = PayWithCard()
    monkeypatch.setattr(cards, "order_pay_with_card", double)
    return double


def store_paid(mode):
    return StoreFactory(
        payment_mode=mode,
        tax_rate=Decimal("0.0825"),
        shipping_fee=Decimal("4.99"),
        free_shipping_threshold=Decimal("50.00"),
    )


@pytest.fixture
def pod_account():
    return ShopperAccountFactory(
        store=store_paid(PaymentMode.PAY_ON_DELIVERY), email="ada@example.com"
    )


@pytest.fixture
def card_account():
    return ShopperAccountFactory(
        store=store_paid(PaymentMode.CHARGE_LATER), email="ada@example.com"
    )


def card_of(account):
    return card_models.SavedCard(
        store=account.store,
        customer=account.customer,
        stripe_payment_method_id="pm_card_visa",
        brand="visa",
        last4="4242",
        exp_month=12,
        exp_year=2030,
    )


def fill_cart(account, *items):
    for product, quantity in items:
        services.cart_add(customer=account.customer, product=product, quantity=quantity)


def cart_state(account):
    return sorted(
        CartLine.objects.filter(cart__customer=account.customer).values_list(
            "product__sku", "quantity"
        )
    )


def placed_orders(account):
    return list(Order.objects.filter(customer=account.customer, status=OrderStatus.PLACED))


def test_pay_on_delivery_places_the_cart_at_voice_prices_and_empties_it(pod_account):
    soap = ProductFactory(store=pod_account.store, sku="SOAP", price=Decimal("3.50"), stock=10)
    brush = ProductFactory(store=pod_account.store, sku="BRUSH", price=Decimal("12.25"), stock=None)
    fill_cart(pod_account, (soap, 3), (brush, 1))
    address = ShopperAddressFactory(account=pod_account)

    result = services.checkout_cart(
        account=pod_account, address=address, card=None, source="web", locale="en-US"
    )

    order = Order.objects.get(pk=result.order.pk)
    assert (order.status, order.source, order.channel, order.payment_mode) == (
        OrderStatus.PLACED,
        "web",
        OrderChannel.WEB,
        PaymentMode.PAY_ON_DELIVERY,
    )
    assert (order.subtotal, order.shipping, order.tax, order.total) == (
        Decimal("22.75"),
        Decimal("4.99"),
        Decimal("2.29"),
        Decimal("30.03"),
    )
    assert [(line.sku, line.quantity, line.line_total) for line in order.lines.all()] == [
        ("SOAP", 3, Decimal("10.50")),
        ("BRUSH", 1, Decimal("12.25")),
    ]
    assert order.shipping_address == ADA and order.email == "ada@example.com"
    assert order.customer_id == pod_account.customer_id
    assert cart_state(pod_account) == []
    (checkout,) = CartCheckout.objects.filter(cart__customer=pod_account.customer)
    assert checkout.order_id == order.pk and checkout.lines_taken_at is not None
    soap.refresh_from_db()
    assert soap.stock == 7


def test_an_address_given_as_a_dict_and_a_voice_source(pod_account):
    soap = ProductFactory(store=pod_account.store, price=Decimal("60.00"))
    fill_cart(pod_account, (soap, 1))
    order = services.checkout_cart(
        account=pod_account, address=dict(ADA), card=None, source="voice", locale="en-GB"
    ).order
    assert (order.source, order.channel, order.locale, order.shipping) == (
        "voice",
        OrderChannel.VOICE,
        "en-GB",
        Decimal("0.00"),
    )
    assert order.shipping_address == ADA


def test_an_empty_cart_is_refused(pod_account):
    with pytest.raises(CheckoutError) as refused:
        services.checkout_cart(
            account=pod_account, address=dict(ADA), card=None, source="web", locale="en-US"
        )
    assert refused.value.code == "empty_cart"
    assert not Order.objects.filter(customer=pod_account.customer).exists()


def test_no_address_or_another_accounts_address_is_refused_and_nothing_changes(pod_account):
    soap = ProductFactory(store=pod_account.store, sku="SOAP")
    fill_cart(pod_account, (soap, 2))
    neighbours = ShopperAddressFactory(account=ShopperAccountFactory(store=pod_account.store))
    for address in (neighbours, {"name": "Ada"}, {**ADA, "postalCode": " "}):
        with pytest.raises(CheckoutError) as refused:
            services.checkout_cart(
                account=pod_account, address=address, card=None, source="web", locale="en-US"
            )
        assert refused.value.code == "no_address"
    assert not Order.objects.filter(customer=pod_account.customer).exists()
    assert cart_state(pod_account) == [("SOAP", 2)]


def test_a_sold_out_line_is_refused_nothing_placed_and_the_cart_kept(pod_account):
    soap = ProductFactory(store=pod_account.store, sku="SOAP", name="Soap", stock=5)
    brush = ProductFactory(store=pod_account.store, sku="BRUSH")
    fill_cart(pod_account, (soap, 4), (brush, 1))
    soap.stock = 1
    soap.save()
    with pytest.raises(CheckoutError) as refused:
        services.checkout_cart(
            account=pod_account, address=dict(ADA), card=None, source="web", locale="en-US"
        )
    assert refused.value.code == "out_of_stock"
    assert refused.value.message == "Some items are no longer available: Soap."
    assert not Order.objects.filter(customer=pod_account.customer).exists()
    assert cart_state(pod_account) == [("BRUSH", 1), ("SOAP", 4)]
    soap.refresh_from_db()
    assert soap.stock == 1


def test_a_card_store_without_a_card_or_with_anothers_card_is_refused(card_account, pay_with_card):
    soap = ProductFactory(store=card_account.store, sku="SOAP")
    fill_cart(card_account, (soap, 1))
    neighbour = ShopperAccountFactory(store=card_account.store)
    for card in (None, card_of(neighbour)):
        with pytest.raises(CheckoutError) as refused:
            services.checkout_cart(
                account=card_account, address=dict(ADA), card=card, source="web", locale="en-US"
            )
        assert refused.value.code == "no_card"
    assert pay_with_card.calls == []
    assert not Order.objects.filter(customer=card_account.customer).exists()
    assert cart_state(card_account) == [("SOAP", 1)]


def test_a_saved_card_pays_the_cart(card_account, pay_with_card):
    soap = ProductFactory(store=card_account.store, sku="SOAP", price=Decimal("3.50"))
    fill_cart(card_account, (soap, 2))  # 7.00 + 4.99 shipping + 0.99 tax
    order = services.checkout_cart(
        account=card_account,
        address=dict(ADA),
        card=card_of(card_account),
        source="voice",
        locale="en-US",
    ).order
    assert pay_with_card.calls == [(order.number, card_account.customer_id, True, "shopper")]
    order.refresh_from_db()
    assert (order.status, order.payment_status, order.authorized_amount, order.total) == (
        OrderStatus.PLACED,
        PaymentStatus.AUTHORIZED,
        Decimal("12.98"),
        Decimal("12.98"),
    )
    assert cart_state(card_account) == []


def test_the_web_charges_the_card_with_the_shopper_present(card_account, pay_with_card):
    fill_cart(card_account, (ProductFactory(store=card_account.store), 1))
    services.checkout_cart(
        account=card_account,
        address=dict(ADA),
        card=card_of(card_account),
        source="web",
        locale="en-US",
    )
    assert [call[2] for call in pay_with_card.calls] == [False]


def test_a_declined_card_places_nothing_and_keeps_the_cart(card_account, pay_with_card):
    soap = ProductFactory(store=card_account.store, sku="SOAP", stock=10)
    fill_cart(card_account, (soap, 2))
    pay_with_card.outcome = "decline"
    with pytest.raises(card_errors.CardDeclined):
        services.checkout_cart(
            account=card_account,
            address=dict(ADA),
            card=card_of(card_account),
            source="web",
            locale="en-US",
        )
    assert placed_orders(card_account) == []
    (draft,) = Order.objects.filter(customer=card_account.customer)
    assert draft.status == OrderStatus.DRAFT
    assert cart_state(card_account) == [("SOAP", 2)]
    assert not CartCheckout.objects.filter(cart__customer=card_account.customer).exists()
    soap.refresh_from_db()
    assert soap.stock == 10


def test_a_card_needing_authentication_keeps_the_cart_until_the_order_is_placed(
    card_account, pay_with_card
):
    soap = ProductFactory(store=card_account.store, sku="SOAP")
    brush = ProductFactory(store=card_account.store, sku="BRUSH")
    fill_cart(card_account, (soap, 2), (brush, 1))
    pay_with_card.outcome = "authenticate"
    with pytest.raises(card_errors.CardNeedsAuthentication) as needs:
        services.checkout_cart(
            account=card_account,
            address=dict(ADA),
            card=card_of(card_account),
            source="voice",
            locale="en-US",
        )
    assert needs.value.finish_url == "https://shop.example.com/pay/t0ken/"
    (draft,) = Order.objects.filter(customer=card_account.customer)
    assert draft.status == OrderStatus.DRAFT and draft.shipping_address == ADA
    (checkout,) = CartCheckout.objects.filter(cart__customer=card_account.customer)
    assert (checkout.order_id, checkout.lines_taken_at) == (draft.pk, None)
    assert cart_state(card_account) == [("BRUSH", 1), ("SOAP", 2)]

    # Meanwhile one more soap goes in; then the shopper finishes 3-D Secure and cards places
    # the order: what was ordered leaves the cart, the extra soap stays.
    services.cart_add(customer=card_account.customer, product=soap)
    orders.order_place(
        order=draft,
        payment=orders.PaymentResult(reference_id="card-3ds", amount=draft.total),
    )
    assert cart_state(card_account) == [("SOAP", 1)]
    checkout.refresh_from_db()
    assert checkout.lines_taken_at is not None
    # Later saves of the placed order (a capture, a note) take nothing more.
    services.cart_add(customer=card_account.customer, product=brush)
    draft.refresh_from_db()
    draft.save()
    assert cart_state(card_account) == [("BRUSH", 1), ("SOAP", 1)]


def test_an_order_placed_elsewhere_leaves_the_cart_alone(pod_account):
    soap = ProductFactory(store=pod_account.store, sku="SOAP")
    fill_cart(pod_account, (soap, 1))
    voice = orders.cart_set_items(
        order=orders.cart_start(customer=pod_account.customer, locale="en-US"),
        items=[orders.CartItem(product=soap, quantity=1)],
    ).order
    orders.order_place(order=voice, payment=None)
    assert cart_state(pod_account) == [("SOAP", 1)]


def test_ordering_from_the_wish_list_leaves_cart_and_wish_list_alone(pod_account):
    soap = ProductFactory(store=pod_account.store, sku="SOAP", price=Decimal("3.50"))
    brush = ProductFactory(store=pod_account.store, sku="BRUSH")
    fill_cart(pod_account, (brush, 1))
    services.wishlist_add(customer=pod_account.customer, product=soap)
    order = services.checkout_items(
        account=pod_account,
        items=[(soap, 2)],
        address=dict(ADA),
        card=None,
        source="voice",
        locale="en-US",
    ).order
    assert [(line.sku, line.quantity) for line in order.lines.all()] == [("SOAP", 2)]
    assert (order.status, order.total) == (OrderStatus.PLACED, Decimal("12.98"))
    assert cart_state(pod_account) == [("BRUSH", 1)]
    assert list(WishListItem.objects.values_list("product__sku", flat=True)) == ["SOAP"]


def test_another_stores_product_cannot_be_ordered(pod_account):
    theirs = ProductFactory(name="Theirs")
    with pytest.raises(CheckoutError) as refused:
        services.checkout_items(
            account=pod_account,
            items=[(theirs, 1)],
            address=dict(ADA),
            card=None,
            source="web",
            locale="en-US",
        )
    assert refused.value.code == "out_of_stock"
    assert not Order.objects.filter(customer=pod_account.customer).exists()
