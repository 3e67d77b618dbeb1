"""localstripe's own webhook deliveries (signed as Stripe signs) reach the live server: a
payment the shopper authenticated is placed by the webhook alone."""

import time

import pytest
from django.urls import reverse

from cards import services as cards
from cards.errors import CardNeedsAuthentication
from cards.models import CaptureMode, StripeEvent, StripePayment, StripeSettings
from cards.tests.factories import draft_order
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from orders import services as orders
from orders.models import Order, OrderStatus, PaymentStatus
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def wait_for(predicate, seconds=15.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_the_webhook_from_localstripe_places_an_authenticated_payment(live_server, localstripe):
    store = StoreFactory(payment_mode=PaymentMode.CHARGE_LATER)
    StripeSettings.objects.create(store=store, capture=CaptureMode.AT_ONCE)
    localstripe.register_webhook(
        "cards-tests", live_server.url + reverse("cards:stripe_webhook", args=[store.slug])
    )
    customer = CustomerFactory(store=store, email="ada@example.com")
    card = cards.card_save_for_test(customer=customer, number="4000002760003184")
    order = draft_order(customer)
    with pytest.raises(CardNeedsAuthentication):
        cards.order_pay_with_card(
            order=order, card=card, off_session=True, actor_label=orders.SHOPPER
        )
    payment = StripePayment.objects.get(order=order)
    intent = localstripe.call("GET", f"/v1/payment_intents/{payment.payment_intent_id}")

    # The shopper passes 3-D Secure in Stripe.js; nobody calls the finish page back.
    localstripe.call(
        "POST",
        f"/v1/payment_intents/{payment.payment_intent_id}/_authenticate?success=true",
        {"key": localstripe.publishable_key, "client_secret": intent["client_secret"]},
    )

    # Waiting for the booked outcome: the live server's transaction is seen once committed.
    assert wait_for(
        lambda: (
            StripeEvent.objects.filter(
                store=store,
                type="payment_intent.succeeded",
                object_id=payment.payment_intent_id,
                outcome="placed",
            ).exists()
            and Order.objects.get(pk=order.pk).status == OrderStatus.PLACED
        )
    )
    order = Order.objects.get(pk=order.pk)
    assert (order.status, order.payment_status) == (OrderStatus.PLACED, PaymentStatus.CAPTURED)
    # Placed once, however many times localstripe told it.
    outcomes = StripeEvent.objects.filter(store=store, object_id=payment.payment_intent_id)
    assert set(outcomes.values_list("outcome", flat=True)) <= {
        "placed",
        "already booked",
        "not placed",
    }
    assert outcomes.filter(outcome="placed").count() == 1
    assert order.transactions.filter(kind="authorization").count() == 1
