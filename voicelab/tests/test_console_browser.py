"""In a real browser: the demo owner completes an order on the voice test console and finds it
in the admin's order list as a test order; the owner plays a linked shopper account."""

import re

import pytest

from catalog.models import Product
from orders.models import Order, OrderStatus
from shoppers import services as shoppers
from skill.tests.linked_shopper import make_account
from testing import admin_login
from voicelab.tests.console_steps import last_speech, press, say

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_completes_an_order_on_the_console_and_sees_it_as_a_test_order(
    page, live_server, demo_store
):
    admin_login(page, live_server, "owner")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/console/")
    assert page.locator("#store option:checked").inner_text() == "No Nicks"
    assert page.locator("#locale option").all_inner_texts() == ["en-US", "en-GB", "de-DE"]
    page.uncheck("#speak")  # headless chromium has no voices; the page must not depend on one

    press(page, "Open the skill", 1)
    assert "Welcome to No Nicks" in last_speech(page)

    say(page, "order a starter kit")
    assert "OrderProductIntent (Product=starter kit" in (
        page.locator("#transcript .turn .understood").last.inner_text()
    )
    assert "Do you want to order it?" in last_speech(page)

    press(page, "Yes", 2)  # Setup directive, then the sandbox's Connections.Response
    transcript = page.inner_text("#transcript")
    assert "Alexa: Alexa asks Amazon Pay to set up payment (Setup)" in transcript
    assert "Amazon Pay sandbox → Setup: billing agreement OPEN" in transcript
    assert "(no speech)" not in transcript
    assert "Do you want me to complete your order now?" in last_speech(page)

    press(page, "Yes", 2)  # Charge directive, then the sandbox's answer
    assert "Your order has been placed." in last_speech(page)
    assert "Session closed." in page.inner_text("#status")

    (order,) = Order.objects.filter(store=demo_store)
    assert order.status == OrderStatus.PLACED
    assert order.is_test is True
    transcript = page.inner_text("#transcript")
    amount = f"{order.total} {order.currency}"
    assert f"Alexa asks Amazon Pay to charge {amount} (Charge)" in transcript
    assert f"Amazon Pay sandbox → Charged {amount} (captured at once)" in transcript
    # The card keeps its lines; the turn links the order it placed.
    card = page.locator("#transcript .turn .card .card-text").last
    assert card.evaluate("node => getComputedStyle(node).whiteSpace") == "pre-line"
    assert card.inner_text().splitlines()[1] == f"Order number: {order.number}"
    link = page.locator("#transcript .turn .order a.order-link")
    assert link.count() == 1
    assert link.get_attribute("href") == f"/support/orders/{order.pk}/"
    placed = page.locator("#transcript .turn .order").inner_text()
    assert placed.startswith(f"Test order {order.number} (Placed)")

    page.goto(f"{live_server.url}/admin/orders/order/")
    row = page.locator("#result_list tbody tr", has_text=order.number)
    assert row.count() == 1
    cells = dict(
        zip(
            page.locator("#result_list thead th").all_inner_texts(),
            row.locator("td, th").all(),
            strict=False,
        )
    )
    test_cell = next(cell for header, cell in cells.items() if re.search(r"(?i)test", header))
    assert test_cell.locator("img").get_attribute("alt") == "True"
    page.goto(f"{live_server.url}/admin/orders/order/?is_test__exact=1")
    assert page.locator("#result_list tbody tr", has_text=order.number).count() == 1


def test_a_declined_charge_on_the_console_places_no_order(page, live_server, demo_store):
    admin_login(page, live_server, "owner")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/console/")
    page.uncheck("#speak")
    page.select_option("#charge_outcome", "Declined:AmazonRejected")

    say(page, "order a starter kit")
    press(page, "Yes", 2)
    press(page, "Yes", 2)

    transcript = page.inner_text("#transcript")
    assert "Amazon Pay sandbox → Charge declined: AmazonRejected" in transcript
    assert "Charge: 200" not in transcript
    assert page.locator("#transcript .turn .order").count() == 0
    assert "has been placed" not in last_speech(page)
    assert not Order.objects.filter(store=demo_store, status=OrderStatus.PLACED).exists()


def test_the_owner_plays_a_linked_shopper_and_starts_over(page, live_server, demo_store):
    account = make_account(demo_store)
    shoppers.cart_add(customer=account.customer, product=Product.objects.get(sku="NN-KIT"))
    admin_login(page, live_server, "owner")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/console/")
    page.uncheck("#speak")
    assert page.inner_text("#playing-as") == "a new shopper"
    assert page.locator("#play-as option").all_inner_texts() == [
        "A new shopper",
        "Ada Lovelace <ada@example.com>",
    ]

    page.select_option("#play-as", str(account.pk))
    page.click("#buttons button:text-is('Start over')")
    page.wait_for_function(
        "() => document.getElementById('playing-as').textContent.startsWith('Ada')"
    )
    assert page.inner_text("#status") == "Playing as Ada Lovelace <ada@example.com>."
    say(page, "what's in my cart")
    assert last_speech(page).startswith("In your cart: one starter kit.")

    page.reload()
    assert page.inner_text("#playing-as") == "Ada Lovelace <ada@example.com>"
    page.click("#buttons button:text-is('Start over')")  # "A new shopper" is chosen again
    page.wait_for_function(
        "() => document.getElementById('playing-as').textContent === 'a new shopper'"
    )
