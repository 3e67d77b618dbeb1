"""The card form and the 3-D Secure finish page in chromium, with localstripe's Stripe.js
(the shop's own browser walk covers checkout end to end)."""

import pytest

from cards import services as cards
from cards.errors import CardNeedsAuthentication
from cards.models import SavedCard, StripePayment
from cards.tests.factories import draft_order
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from orders import services as orders
from orders.models import OrderStatus
from orders.tests.factories import CustomerFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fill_card(page, number, month="12", year="31"):
    """localstripe's card element: plain inputs named by their placeholders."""
    for field, value in (
        ("number", number),
        ("exp_month", month),
        ("exp_year", year),
        ("cvc", "123"),
        ("postal_code", "10115"),
    ):
        page.fill(f"#card-element input[placeholder={field}]", value)


@pytest.mark.urls("cards.tests.card_form_urls")
def test_the_card_form_saves_cards_through_stripe_js(
    page, live_server, localstripe, console_errors
):
    store = StoreFactory(payment_mode=PaymentMode.CHARGE_LATER)
    customer = CustomerFactory(store=store)
    url = f"{live_server.url}/test-card-form/{customer.pk}/"

    page.goto(url)
    fill_card(page, "4242424242424242")
    page.click("button:has-text('Save card')")
    page.wait_for_selector("#saved:has-text('Saved: Visa ending in 4242')")

    # A card whose bank asks for 3-D Secure when it is set up: the shopper completes it.
    page.goto(url)
    fill_card(page, "4000002760003184", month="6", year="32")
    page.click("button:has-text('Save card')")
    page.click("button:has-text('Complete authentication')")
    page.wait_for_selector("#saved:has-text('Saved: Visa ending in 3184')")

    saved = SavedCard.objects.filter(customer=customer).order_by("pk")
    assert list(saved.values_list("last4", "exp_month", "exp_year", "is_default")) == [
        ("4242", 12, 2031, True),
        ("3184", 6, 2032, False),
    ]


def test_the_finish_page_confirms_3ds_and_places_the_order(
    page, live_server, localstripe, console_errors
):
    store = StoreFactory(payment_mode=PaymentMode.CHARGE_LATER)
    customer = CustomerFactory(store=store, email="ada@example.com")
    card = cards.card_save_for_test(customer=customer, number="4000002760003184")
    order = draft_order(customer)
    with pytest.raises(CardNeedsAuthentication):
        cards.order_pay_with_card(
            order=order, card=card, off_session=True, actor_label=orders.SHOPPER
        )
    payment = StripePayment.objects.get(order=order)

    page.goto(live_server.url + cards.finish_path(payment))
    assert "confirm the payment of $21.60 with your Visa ending in 3184" in page.inner_text("main")
    page.click("button:has-text('Confirm the payment')")
    page.click("button:has-text('Complete authentication')")
    page.wait_for_selector(".card-finish-done")

    assert f"order {order.number} is placed" in page.inner_text(".card-finish-done")
    order.refresh_from_db()
    assert (order.status, order.authorized_amount) == (OrderStatus.PLACED, order.total)
