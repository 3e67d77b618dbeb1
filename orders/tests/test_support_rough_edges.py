"""Rough edges of the support console: an order's pages by its number as well as its id,
one label for a declined checkout, the restocked items in the timeline, a cancel page for an
order already cancelled, the refund form's required reason and its flash message, and the
cancel form's checkbox beside its label."""

import pytest
from django.urls import reverse

from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders import services
from orders.templatetags.order_words import event_data_words
from orders.tests.helpers import decline_checkout, open_cart, place_order, snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def store(db):
    return StoreFactory(payment_mode="charge_now")


@pytest.fixture
def agent(client, store):
    user = MembershipFactory(store=store, role=Role.SUPPORT_AGENT, can_refund=True).user
    client.force_login(user)
    return user


# One label for a declined checkout -----------------------------------------------------------


def test_a_declined_checkout_reads_declined_on_every_page(client, agent, store):
    declined = decline_checkout(open_cart(store))
    services.cart_abandon(order=declined)
    declined.refresh_from_db()
    assert declined.payment_status == "pending"  # the shopper may still try again
    badge = '<span class="badge declined">Declined</span>'
    pages = {
        "list": reverse("support:order_list") + "?checkout=declined",
        "checkout": reverse("support:order_detail", args=[declined.pk]),
        "action": reverse("support:order_action", args=[declined.pk, "note"]),
        "customer": reverse("support:customer_detail", args=[declined.customer_id]),
    }
    for name, url in pages.items():
        html = client.get(url).content.decode()
        assert html.count(badge) == 1, name
        assert "Pending</span>" not in html and "<td>Pending</td>" not in html, name


def test_a_checkout_never_declined_still_reads_pending(client, agent, store):
    cart = open_cart(store)
    html = client.get(reverse("support:order_detail", args=[cart.pk])).content.decode()
    assert '<span class="badge pending">Pending</span>' in html
    assert "Declined" not in html


# The restocked items --------------------------------------------------------------------------


def test_a_restocked_cancellation_lists_its_items_also_when_stock_is_not_counted(
    client, agent, store
):
    order = place_order(store, quantity=3, stock=None)  # stock not counted
    services.order_cancel(order=order, actor=agent, restock=True, reason="Changed mind")
    sku = order.lines.get().sku
    html = client.get(reverse("support:order_detail", args=[order.pk])).content.decode()
    assert f"Items: {sku} × 3</div>" in html
    assert "Items: </div>" not in html


def test_an_empty_item_list_of_an_older_event_is_left_out_not_shown_bare():
    assert event_data_words({"items": {}, "reason": "Changed mind"}) == [("Reason", "Changed mind")]
    assert event_data_words({"items": []}) == []


# The cancel page of a cancelled order ---------------------------------------------------------


def test_the_cancel_page_of_a_cancelled_order_says_so_without_a_form(client, agent, store):
    order = place_order(store)
    services.order_cancel(order=order, actor=agent, restock=False)
    before = snapshot(order)
    url = reverse("support:order_action", args=[order.pk, "cancel"])
    html = client.get(url).content.decode()
    assert "This order is already cancelled." in html
    assert 'name="restock"' not in html and 'name="confirm"' not in html
    back = reverse("support:order_detail", args=[order.pk])
    assert f'href="{back}">Back to the order</a>' in html
    response = client.post(url, {"restock": "on", "reason": "again"})
    assert response.status_code == 400
    assert "This order is already cancelled." in response.content.decode()
    assert snapshot(order) == before


# The refund form --------------------------------------------------------------------------------


def test_the_refund_form_marks_reason_as_required_as_its_validation_does(client, agent, store):
    order = place_order(store)
    url = reverse("support:order_refund", args=[order.pk])
    html = client.get(url).content.decode()
    assert (
        '<label for="id_reason" class="required">Reason (required):</label>'
        '<input type="text" name="reason" maxlength="255" required id="id_reason">' in html
    )
    assert '<label for="id_amount">Amount:</label>' in html  # optional: not marked
    before = snapshot(order)
    response = client.post(url, {"key": "a" * 32, "reason": ""})
    assert response.status_code == 400
    assert "Say why the money goes back." in response.content.decode()
    assert snapshot(order) == before


# The cancel form's checkbox -------------------------------------------------------------------


def test_the_cancel_forms_checkbox_sits_inside_its_label(client, agent, store):
    order = place_order(store)
    html = client.get(reverse("support:order_action", args=[order.pk, "cancel"])).content.decode()
    assert (
        '<div class="field check"><label for="id_restock">'
        '<input type="checkbox" name="restock" id="id_restock" checked> '
        "Put the items back in stock</label></div>" in html
    )


# The refund's flash message ----------------------------------------------------------------------


def _timeline_entry(html, label):
    start = html.index(f"<strong>{label}</strong>")
    return html[start : html.index("</li>", start)]


def test_the_refund_message_has_the_timelines_words_and_amount(client, agent, store):
    order = place_order(store)
    url = reverse("support:order_refund", args=[order.pk])
    data = {"amount": "5.00", "reason": "Arrived late", "key": "r" * 32, "confirm": "1"}
    done = client.post(url, data, follow=True)
    assert [str(m) for m in done.context["messages"]] == [
        "Refund pending: $5.00; Amazon Pay completes it shortly."
    ]
    entry = _timeline_entry(done.content.decode(), "Refund pending")
    assert "Amount: $5.00 · Reason: Arrived late" in entry


def test_a_pay_on_delivery_refund_message_has_the_timelines_words_and_amount(client, db):
    store = StoreFactory(payment_mode="pay_on_delivery")
    agent = MembershipFactory(store=store, role=Role.SUPPORT_AGENT, can_refund=True).user
    order = place_order(store)
    services.order_mark_collected(order=order)
    client.force_login(agent)
    data = {"amount": "5.00", "reason": "Arrived late", "key": "p" * 32, "confirm": "1"}
    done = client.post(reverse("support:order_refund", args=[order.pk]), data, follow=True)
    assert [str(m) for m in done.context["messages"]] == [
        "Refund completed: $5.00; give the money back to the shopper directly."
    ]
    entry = _timeline_entry(done.content.decode(), "Refund completed")
    assert "Amount: $5.00 · Reason: Arrived late" in entry
