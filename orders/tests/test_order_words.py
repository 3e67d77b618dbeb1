"""Order pages speak to staff in words: Amazon Pay codes with a sentence, timeline data with
labels, addresses laid out per country (support console and admin), and actions that are
not possible now are disabled with the reason."""

from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders import services
from orders.models import Order, OrderEvent, OrderEventType, PaymentKind, PaymentTransaction
from orders.templatetags.order_words import address_lines, amazon_pay_words, event_data_words
from orders.tests.helpers import place_order, snapshot

pytestmark = pytest.mark.django_db

SEATTLE = {
    "name": "Sandbox Shopper",
    "addressLine1": "410 Terry Ave N",
    "city": "Seattle",
    "stateOrRegion": "WA",
    "postalCode": "98109",
    "countryCode": "US",
}
BERLIN = {
    "name": "Erika Mustermann",
    "addressLine1": "Invalidenstraße 117",
    "city": "Berlin",
    "stateOrRegion": "",
    "postalCode": "10115",
    "countryCode": "DE",
}
LONDON = {
    "name": "Sandbox Shopper",
    "addressLine1": "1 Principal Place",
    "addressLine2": "Worship Street",
    "city": "London",
    "stateOrRegion": "",
    "postalCode": "EC2A 2FA",
    "countryCode": "GB",
}
CAPTURED_IN_FULL = (
    "Charged in full: the authorization closed once its amount was captured (MaxCapturesProcessed)"
)


@pytest.fixture
def store(db):
    return StoreFactory(payment_mode="charge_now")


@pytest.fixture
def agent(client, store):
    user = MembershipFactory(store=store, role=Role.SUPPORT_AGENT, can_refund=True).user
    client.force_login(user)
    return user


def text(response) -> str:
    assert response.status_code in (200, 400), response.status_code
    return unescape(response.content.decode())


def order_page(client, order) -> str:
    return text(client.get(reverse("support:order_detail", args=[order.pk])))


# Amazon Pay codes --------------------------------------------------------------------------


def test_known_codes_get_their_sentence_and_unknown_ones_a_generic_label():
    assert amazon_pay_words("MaxCapturesProcessed") == CAPTURED_IN_FULL
    assert amazon_pay_words("VoicePurchaseNotEnabled") == (
        "Voice purchasing is off in the shopper's Alexa app (VoicePurchaseNotEnabled)"
    )
    assert amazon_pay_words("BrandNewCode") == (
        "Amazon Pay answered with a code the portal does not describe (BrandNewCode)"
    )
    assert amazon_pay_words("") == ""


def test_the_ledger_shows_the_reason_code_in_words(client, agent, store):
    order = place_order(store)
    PaymentTransaction.objects.filter(order=order, kind=PaymentKind.AUTHORIZATION).update(
        reason_code="MaxCapturesProcessed"
    )
    html = order_page(client, order)
    assert f'<td data-label="Reason">{CAPTURED_IN_FULL}</td>' in html
    assert html.count("MaxCapturesProcessed") == 1


# Timeline data ------------------------------------------------------------------------------


def test_timeline_data_has_labels_money_and_line_names(client, agent, store):
    order = place_order(store, quantity=2, price="10.00")
    line = order.lines.get()
    services.order_refund(
        order=order, lines={line.pk: 1}, reason="Scratched", actor=agent, reference_id="r" * 32
    )
    OrderEvent.objects.create(
        store=store,
        order=order,
        type=OrderEventType.PAYMENT_CAPTURE_FAILED,
        data={"reason_code": "ProcessingFailure", "mystery_key": "x"},
    )
    html = order_page(client, order)
    assert (
        f"Amount: $10.80 · Reason: Scratched · Items: 1 × {line.name} · "
        f"Payment reference: {'r' * 32}" in html
    )
    assert (
        "Amazon Pay: Amazon Pay could not process the payment; trying again may work "
        "(ProcessingFailure) · Mystery key: x" in html
    )
    assert "Started from: Alexa" in html  # the cart's "created" event
    for raw in ("reason_code:", "reference_id:", "lines:", "source:"):
        assert raw not in html


def test_event_data_words_leaves_out_empty_values_and_says_yes_or_no():
    pairs = event_data_words(
        {"reason": "", "restock": True, "items": {"NN-KIT": 2}, "kind": "confirmation"},
        currency="USD",
    )
    assert pairs == [
        ("Put back in stock", "yes"),
        ("Items", "NN-KIT × 2"),
        ("Email", "order confirmation"),
    ]


# Addresses -----------------------------------------------------------------------------------


def test_addresses_are_laid_out_the_way_each_country_writes_them():
    assert address_lines(SEATTLE) == [
        "Sandbox Shopper",
        "410 Terry Ave N",
        "Seattle, WA 98109",
        "United States",
    ]
    assert address_lines(BERLIN) == [
        "Erika Mustermann",
        "Invalidenstraße 117",
        "10115 Berlin",
        "Germany",
    ]
    assert address_lines(LONDON) == [
        "Sandbox Shopper",
        "1 Principal Place",
        "Worship Street",
        "London",
        "EC2A 2FA",
        "United Kingdom",
    ]
    # What an erased shopper's order keeps (the tax jurisdiction), and nothing at all.
    assert address_lines({"countryCode": "US", "stateOrRegion": "IL"}) == [
        "IL",
        "United States",
    ]
    assert address_lines({}) == []


def test_the_order_page_and_the_admin_print_the_address_not_json(client, agent, store):
    order = place_order(store)
    Order.objects.filter(pk=order.pk).update(shipping_address=SEATTLE)
    assert (
        '<p class="address" id="address">Sandbox Shopper<br>410 Terry Ave N<br>'
        "Seattle, WA 98109<br>United States</p>" in order_page(client, order)
    )
    admin_page = text(client.get(reverse("admin:orders_order_change", args=[order.pk])))
    assert "Sandbox Shopper<br>410 Terry Ave N<br>Seattle, WA 98109<br>United States" in (
        admin_page
    )
    assert '"addressLine1"' not in admin_page
    assert "Started from: Alexa" in admin_page  # the timeline inline in words too


# Actions not possible now ---------------------------------------------------------------------


def test_an_impossible_action_shows_why_and_its_confirm_button_is_disabled(client, agent, store):
    order = place_order(store)
    services.order_ship(order=order, carrier="UPS", tracking_number="1Z", actor=agent)
    page = text(client.get(reverse("support:order_action", args=[order.pk, "cancel"])))
    assert (
        '<p class="error" id="refusal">Not possible for the order as it is now: Only orders '
        "that have not shipped can be cancelled. Refund it instead.</p>" in page
    )
    assert (
        '<button type="submit" name="confirm" value="1" disabled aria-describedby="refusal">'
        "Confirm: cancel order</button>" in page
    )
    page = text(client.get(reverse("support:order_action", args=[order.pk, "capture"])))
    assert "Not possible for the order as it is now: The payment is already captured." in page
    # A possible action is not disabled.
    page = text(client.get(reverse("support:order_action", args=[order.pk, "deliver"])))
    assert 'id="refusal"' not in page
    assert '<button type="submit" name="confirm" value="1">Confirm: mark delivered</button>' in (
        page
    )


def test_a_cancelled_order_says_so_and_a_repost_changes_nothing(client, agent, store):
    order = place_order(store)
    services.order_cancel(order=order, actor=agent, restock=False)
    before = snapshot(order)
    page = text(client.get(reverse("support:order_action", args=[order.pk, "cancel"])))
    assert "Not possible for the order as it is now: This order is already cancelled." in page
    response = client.post(reverse("support:order_action", args=[order.pk, "cancel"]), {})
    assert response.status_code == 400
    assert snapshot(order) == before


def test_a_fully_refunded_order_disables_the_refund_with_the_reason(client, agent, store):
    order = place_order(store)
    services.order_refund(order=order, reason="Broken", actor=agent)
    order.refresh_from_db()
    assert order.refundable_amount() == Decimal("0.00")
    page = text(client.get(reverse("support:order_refund", args=[order.pk])))
    assert (
        "Not possible for the order as it is now: Nothing on this order can be refunded "
        "(refundable: $0.00)." in page
    )
    assert '<button type="submit" disabled aria-describedby="refusal">Review refund</button>' in (
        page
    )


def test_a_refill_plans_last_error_is_in_words(client, agent, store):
    order = place_order(store)
    line = order.lines.select_related("product").get()
    plan = services.refill_plan_create(
        customer=order.customer, product=line.product, quantity=1, interval_weeks=4
    )
    type(plan).objects.filter(pk=plan.pk).update(last_error="InvalidPaymentMethod")
    page = text(client.get(reverse("support:customer_detail", args=[order.customer_id])))
    assert (
        "<td>Declined: the shopper's payment method was refused; they can change it in their "
        "Amazon account and order again (InvalidPaymentMethod)</td>" in page
    )
