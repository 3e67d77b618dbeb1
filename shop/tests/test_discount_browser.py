"""A shopper enters discount codes on a phone-sized Chromium (390 × 844): a wrong one is
refused in words, a right one shows its discount line, and the order placed carries it."""

from decimal import Decimal

import pytest

from discounts.models import Discount
from discounts.tests.factories import DiscountFactory
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from orders.models import Order, OrderStatus
from shoppers import services as shoppers

from .helpers import PASSWORD, add_address, make_shopper, product

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_shopper_applies_a_code_and_places_the_order_with_it(
    new_page, console_errors, live_server
):
    store = StoreFactory(
        name="No Nicks",
        shipping_fee=Decimal("4.99"),
        payment_mode=PaymentMode.PAY_ON_DELIVERY,
        amazon_pay_seller_id="",
    )
    ada = make_shopper(store)
    add_address(ada)
    razor = product(store, name="Razor", price="20.00", stock=5)
    shoppers.cart_add(customer=ada.customer, product=razor, quantity=2)
    save10 = DiscountFactory(store=store, code="SAVE10", title="10% off")
    shop = f"{live_server.url}/shop/{store.slug}"
    page = console_errors.watch(new_page(viewport=PHONE, is_mobile=True, has_touch=True))

    page.goto(f"{shop}/login/")
    page.fill("input[name=email]", ada.email)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.goto(f"{shop}/cart/")

    page.fill("#id_code", "SAVE11")
    page.get_by_role("button", name="Apply", exact=True).click()
    assert page.inner_text("#code-errors") == "There is no discount code SAVE11 in this shop."
    assert page.locator("#discount-1").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The refusal is answered 400, which the browser logs: expected, exactly this one.
    refused = [e for e in console_errors if "status of 400" in e and "/cart/discount/" in e]
    assert len(refused) == 1
    console_errors.remove(refused[0])

    page.fill("#id_code", "save10")
    page.get_by_role("button", name="Apply", exact=True).click()
    page.wait_for_url(f"{shop}/cart/")
    assert page.inner_text("#discount-1") == "−$4.00"
    assert page.inner_text("#total") == "$44.27"
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path="docs/screenshots/shop-cart-discount-code.png", full_page=True)

    page.get_by_role("link", name="Check out").click()
    assert page.inner_text("#discount-1") == "−$4.00"
    page.get_by_role("button", name="Place order · $44.27").click()
    page.wait_for_url(f"{shop}/orders/**")
    order = Order.objects.get(customer=ada.customer, status=OrderStatus.PLACED)
    assert (order.discount, order.discount_codes, order.total) == (
        Decimal("4.00"),
        ["SAVE10"],
        Decimal("44.27"),
    )
    assert Discount.objects.get(pk=save10.pk).times_used == 1
