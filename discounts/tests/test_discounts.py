"""Discount codes: which apply and for how much, counting their uses, and the orders'
pricing taking them into account once (before tax), in the cart and at placing."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from discounts.errors import DiscountUnavailable
from discounts.models import Discount
from discounts.selectors import AppliedDiscount, RejectedCode, discounts_evaluate
from discounts.services import discount_create, discounts_redeem
from discounts.tests.factories import DiscountFactory
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from orders import services
from orders.errors import OrderError
from orders.pricing import order_totals
from orders.tests.helpers import make_customer, place_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return StoreFactory(tax_rate=Decimal("0.08"), shipping_fee=Decimal("5.00"))


def test_codes_apply_ignoring_case_and_add_up_on_the_subtotal(store):
    DiscountFactory(store=store, code="10OFF", title="10% Off", value=Decimal("10"))
    DiscountFactory(store=store, code="FIVE", title="$5 Off", kind="fixed", value=Decimal("5.00"))
    result = discounts_evaluate(
        store=store, codes=["10off", "five", "10OFF", "nope"], subtotal=Decimal("35.00")
    )
    assert result.applied == [
        AppliedDiscount(code="10OFF", title="10% Off", amount=Decimal("3.50")),
        AppliedDiscount(code="FIVE", title="$5 Off", amount=Decimal("5.00")),
    ]
    assert result.rejected == [RejectedCode(code="nope", reason="unknown")]
    assert result.total == Decimal("8.50")


def test_together_they_never_exceed_the_subtotal(store):
    DiscountFactory(store=store, code="BIG", kind="fixed", value=Decimal("50.00"))
    DiscountFactory(store=store, code="HALF", value=Decimal("50"))
    result = discounts_evaluate(store=store, codes=["HALF", "BIG"], subtotal=Decimal("20.00"))
    assert [a.amount for a in result.applied] == [Decimal("10.00"), Decimal("10.00")]


def test_window_switch_and_limit_reject_with_their_reason(store):
    now = timezone.now()
    DiscountFactory(store=store, code="OLD", ends_at=now - timedelta(days=1))
    DiscountFactory(store=store, code="SOON", starts_at=now + timedelta(days=1))
    DiscountFactory(store=store, code="OFF", active=False)
    DiscountFactory(store=store, code="DONE", usage_limit=1, times_used=1)
    result = discounts_evaluate(
        store=store, codes=["OLD", "SOON", "OFF", "DONE"], subtotal=Decimal("10")
    )
    assert result.applied == []
    assert [(r.code, r.reason) for r in result.rejected] == [
        ("OLD", "expired"),
        ("SOON", "not_yet_valid"),
        ("OFF", "inactive"),
        ("DONE", "used_up"),
    ]


def test_codes_are_per_store(store):
    DiscountFactory(store=StoreFactory(), code="THEIRS")
    result = discounts_evaluate(store=store, codes=["THEIRS"], subtotal=Decimal("10"))
    assert result.applied == [] and result.rejected[0].reason == "unknown"


def test_create_refuses_a_percentage_over_100_and_a_duplicate_code(store):
    with pytest.raises(ValidationError):
        discount_create(store=store, code="X", title="x", kind="percentage", value=Decimal("120"))
    discount_create(store=store, code="Spring", title="s", kind="fixed", value=Decimal("1"))
    with pytest.raises(ValidationError):
        discount_create(store=store, code="SPRING", title="s", kind="fixed", value=Decimal("1"))
    assert list(Discount.objects.values_list("code", flat=True)) == ["Spring"]


def test_redeem_counts_once_and_stops_at_the_limit(store):
    DiscountFactory(store=store, code="ONCE", usage_limit=1)
    DiscountFactory(store=store, code="MANY")
    discounts_redeem(store=store, codes=["once", "MANY"])
    with pytest.raises(DiscountUnavailable):
        discounts_redeem(store=store, codes=["MANY", "ONCE"])
    assert dict(Discount.objects.values_list("code", "times_used")) == {"ONCE": 1, "MANY": 1}


def test_pricing_takes_the_discount_off_before_tax(store):
    DiscountFactory(store=store, code="10OFF")
    totals = order_totals(store=store, line_totals=[Decimal("40.00")], discount_codes=["10OFF"])
    assert (totals.subtotal, totals.discount, totals.shipping, totals.tax, totals.total) == (
        Decimal("40.00"),
        Decimal("4.00"),
        Decimal("5.00"),
        Decimal("3.28"),
        Decimal("44.28"),
    )
    inclusive = StoreFactory(
        tax_rate=Decimal("0.20"), prices_include_tax=True, shipping_fee=Decimal("0")
    )
    DiscountFactory(store=inclusive, code="10OFF")
    totals = order_totals(store=inclusive, line_totals=[Decimal("60.00")], discount_codes=["10OFF"])
    assert (totals.discount, totals.tax, totals.total) == (
        Decimal("6.00"),
        Decimal("9.00"),
        Decimal("54.00"),
    )


def test_the_cart_keeps_applying_codes_and_placing_counts_them(store):
    DiscountFactory(store=store, code="10OFF", usage_limit=5)
    product = ProductFactory(store=store, price=Decimal("20.00"))
    cart = services.cart_start(customer=make_customer(store), locale="en-US")
    cart = services.cart_set_discount_codes(order=cart, codes=["10off", "nope"])
    assert cart.discount_codes == ["10OFF"]
    cart = services.cart_set_items(
        order=cart, items=[services.CartItem(product=product, quantity=2)]
    ).order
    assert (cart.subtotal, cart.discount, cart.tax, cart.total) == (
        Decimal("40.00"),
        Decimal("4.00"),
        Decimal("3.28"),
        Decimal("44.28"),
    )
    order = place_order(store, product=product, quantity=1)
    assert order.discount == 0  # another cart, without codes
    assert Discount.objects.get(code="10OFF").times_used == 0


def test_placing_with_a_used_up_code_is_refused_and_takes_nothing(store):
    store.payment_mode = PaymentMode.PAY_ON_DELIVERY
    store.save()
    DiscountFactory(store=store, code="ONCE", usage_limit=1)
    product = ProductFactory(store=store, price=Decimal("20.00"), stock=5)
    cart = services.cart_start(customer=make_customer(store), locale="en-US")
    cart = services.cart_set_items(
        order=cart, items=[services.CartItem(product=product, quantity=1)]
    ).order
    cart = services.cart_set_discount_codes(order=cart, codes=["ONCE"])
    Discount.objects.filter(code="ONCE").update(times_used=1)
    with pytest.raises(OrderError) as refused:
        services.order_place(order=cart, payment=None)
    assert refused.value.code == "discount_unavailable"
    product.refresh_from_db()
    cart.refresh_from_db()
    assert (product.stock, cart.status) == (5, "draft")
    other = services.cart_start(customer=make_customer(store), locale="en-US")
    other = services.cart_set_items(
        order=other, items=[services.CartItem(product=product, quantity=1)]
    ).order
    Discount.objects.filter(code="ONCE").update(times_used=0)
    other = services.cart_set_discount_codes(order=other, codes=["ONCE"])
    placed = services.order_place(order=other, payment=None).order
    assert (placed.status, placed.discount, placed.total) == (
        "placed",
        Decimal("2.00"),
        Decimal("24.84"),
    )
    assert Discount.objects.get(code="ONCE").times_used == 1
