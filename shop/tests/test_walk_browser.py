"""A shopper's walk through the demo No Nicks shop on a phone-sized Chromium (390 × 844,
Playwright + Debian's chromium), against localstripe as Stripe: sign up, confirm the email by
the emailed link, add to the cart and the wish list, add an address, save the test card
4242 4242 4242 4242 with localstripe's Stripe.js, place the order; then a support agent finds
it in the support console, ships it (capturing the card) and refunds part of it, and the
refund is at localstripe. No page logs a console error (the CSP included)."""

import re
from decimal import Decimal

import pytest
from django.core import mail

from catalog.models import Product
from orders.models import Order, OrderChannel, PaymentKind, PaymentState, PaymentTransaction
from shoppers.models import ShopperAccount
from testing import admin_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
EMAIL = "walker@example.com"
PASSWORD = "lather-42-up"


def button(page, name: str):
    return page.get_by_role("button", name=name, exact=True)


def fits_the_phone(page) -> None:
    """Nothing is wider than the phone's screen (no sideways scrolling)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_shopper_signs_up_orders_with_a_card_and_support_refunds_part(
    new_page, console_errors, live_server, demo_store, localstripe
):
    url = live_server.url
    shop = f"{url}/shop/{demo_store.slug}"
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    cream = Product.objects.get(store=demo_store, sku="NN-CREAM-6")
    page = console_errors.watch(new_page(viewport=PHONE, is_mobile=True, has_touch=True))

    # Sign up from the shop's home, in the store's name and colour.
    page.goto(f"{shop}/")
    assert page.title() == "Welcome · No Nicks"
    fits_the_phone(page)
    page.get_by_role("link", name="Sign in").click()
    page.get_by_role("link", name="Create an account").click()
    page.fill("#id_name", "Walker Shopper")
    page.fill("#id_email", EMAIL)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    button(page, "Create account").click()
    assert f"We sent a link to {EMAIL}." in page.inner_text("#signup-done")

    # Confirm the address by the link in the email.
    body = next(m.body for m in mail.outbox if m.to == [EMAIL])
    link = re.search(rf"https?://\S+/shop/{demo_store.slug}/verify/\S+/", body).group(0)
    page.goto(link.replace(re.match(r"https?://[^/]+", link).group(0), url))
    assert f"{EMAIL} is confirmed" in page.inner_text("#verified")
    account = ShopperAccount.objects.get(store=demo_store, email=EMAIL)
    assert account.email_verified_at is not None

    # The cart and the wish list.
    page.goto(f"{shop}/p/{kit.pk}/")
    fits_the_phone(page)
    page.fill("input[name=quantity]", "2")
    button(page, "Add to cart").click()
    page.wait_for_url(f"{shop}/cart/")
    assert "2 × $" in page.inner_text(f"#line-{kit.pk}")
    fits_the_phone(page)
    page.goto(f"{shop}/p/{cream.pk}/")
    button(page, "Add to wish list").click()
    page.wait_for_url(f"{shop}/wishlist/")
    assert cream.name in page.inner_text("#wishlist-items")
    fits_the_phone(page)

    # Checkout: add an address, then a card with localstripe's Stripe.js, then place it.
    page.goto(f"{shop}/checkout/")
    page.get_by_role("link", name="Add an address").click()
    page.fill("#id_name", "Walker Shopper")
    page.fill("#id_line1", "1 Main St")
    page.fill("#id_city", "Seattle")
    page.fill("#id_region", "WA")
    page.fill("#id_postal_code", "98109")
    button(page, "Save the address").click()
    page.wait_for_url(f"{shop}/checkout/")
    page.get_by_role("link", name="Add a card").click()
    page.wait_for_url(re.compile(r"/account/cards/add/"))
    fits_the_phone(page)
    page.locator("input[placeholder=number]").fill("4242424242424242")
    page.locator("input[placeholder=exp_month]").fill("12")
    page.locator("input[placeholder=exp_year]").fill("34")
    page.locator("input[placeholder=cvc]").fill("123")
    page.locator("input[placeholder=postal_code]").fill("98109")
    button(page, "Save card").click()
    page.wait_for_url(f"{shop}/checkout/")
    assert "Visa ending in 4242" in page.inner_text("#cards")
    page.locator("#place-order").click()
    page.wait_for_url(re.compile(rf"{shop}/orders/\w+/"))
    order = Order.objects.get(customer=account.customer)
    assert "Thank you! Order" in page.inner_text(".messages")
    assert (order.channel, order.total) == (OrderChannel.WEB, kit.price * 2 * Decimal("1.08"))
    fits_the_phone(page)

    # Support: the order is in the console; ship it (the card is captured), refund part.
    agent = console_errors.watch(new_page())
    admin_login(agent, live_server, "support", next_path="/support/")
    agent.wait_for_url(f"{url}/support/")
    agent.get_by_role("link", name=order.number, exact=True).last.click()
    agent.wait_for_url(f"{url}/support/orders/{order.pk}/")
    agent.get_by_role("link", name="Mark shipped").click()
    agent.fill("#id_carrier", "UPS")
    agent.fill("#id_tracking_number", "1Z999AA10123456784")
    agent.get_by_role("button", name=re.compile("^Confirm")).click()
    agent.wait_for_url(f"{url}/support/orders/{order.pk}/")
    agent.get_by_role("link", name="Refund", exact=True).click()
    agent.fill("#id_amount", "5.00")
    agent.fill("#id_reason", "One blade arrived bent")
    button(agent, "Review refund").click()
    button(agent, "Confirm refund").click()
    agent.wait_for_url(f"{url}/support/orders/{order.pk}/")
    assert agent.inner_text("#refunded") == "$5.00"

    refund = PaymentTransaction.objects.get(order=order, kind=PaymentKind.REFUND)
    assert (refund.amount, refund.state, refund.gateway) == (
        Decimal("5.00"),
        PaymentState.SUCCEEDED,
        "stripe",
    )
    # The one refund of this order's payment at Stripe (localstripe runs for the whole
    # session, so it also holds other tests' refunds).
    intent = PaymentTransaction.objects.get(order=order, kind=PaymentKind.AUTHORIZATION)
    at_stripe = localstripe.call("GET", "/v1/refunds")["data"]
    assert [
        (r["id"], r["amount"], r["status"])
        for r in at_stripe
        if r["payment_intent"] == intent.external_id
    ] == [(refund.external_id, 500, "succeeded")]

    # The shopper sees the shipment and the refund on the order page.
    page.goto(f"{shop}/orders/{order.number}/")
    assert page.inner_text("#order-status") == "Shipped"
    assert page.inner_text("#refunded") == "$5.00"
    assert "Tracking: UPS 1Z999AA10123456784" in page.inner_text("#tracking")

    # The account page: the address book and the saved card, on the phone's width.
    page.goto(f"{shop}/account/")
    assert "1 Main St" in page.inner_text("#address-book")
    assert "Visa ending in 4242" in page.inner_text("#saved-cards")
    fits_the_phone(page)
