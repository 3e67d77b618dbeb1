"""Two devices say "order my cart" at the same moment: the cart's row lock serialises the
checkouts, so one order is placed and the other finds the cart empty (PostgreSQL)."""

import threading
from decimal import Decimal

import pytest
from django.db import connections

from catalog.tests.factories import ProductFactory
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from orders.models import Order, OrderStatus
from shoppers import services
from shoppers.errors import CheckoutError
from shoppers.models import CartLine, ShopperAccount

from .factories import ShopperAccountFactory, ShopperAddressFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


def test_two_checkouts_of_one_cart_at_once_place_one_order():
    store = StoreFactory(payment_mode=PaymentMode.PAY_ON_DELIVERY)
    account = ShopperAccountFactory(store=store)
    address = ShopperAddressFactory(account=account)
    soap = ProductFactory(store=store, price=Decimal("3.50"), stock=10)
    services.cart_add(customer=account.customer, product=soap, quantity=3)

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def device(source: str) -> None:
        try:
            mine = ShopperAccount.objects.select_related("store", "customer").get(pk=account.pk)
            barrier.wait()
            services.checkout_cart(
                account=mine, address=address, card=None, source=source, locale="en-US"
            )
            outcomes.append("placed")
        except CheckoutError as exc:
            outcomes.append(exc.code)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=device, args=(source,)) for source in ("web", "voice")]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(60)

    assert sorted(outcomes) == ["empty_cart", "placed"]
    placed = Order.objects.filter(customer=account.customer, status=OrderStatus.PLACED)
    assert placed.count() == 1
    assert [(line.quantity, line.line_total) for line in placed.get().lines.all()] == [
        (3, Decimal("10.50"))
    ]
    assert not CartLine.objects.filter(cart__customer=account.customer).exists()
    soap.refresh_from_db()
    assert soap.stock == 7
