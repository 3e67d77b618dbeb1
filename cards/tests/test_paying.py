"""Saving cards and charging them off session, against a real localstripe."""

from decimal import Decimal

import pytest
from django.core import mail

from cards import selectors
from cards import services as cards
from cards.errors import CardDeclined, CardNeedsAuthentication, CardSetupFailed
from cards.models import CaptureMode, SavedCard, StripePayment, StripeSettings
from cards.services.paying import payment_for_token
from cards.tests.factories import draft_order
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from orders import services as orders
from orders.errors import OrderError, OrderErrorCode
from orders.models import (
    OrderStatus,
    PaymentKind,
    PaymentState,
    PaymentStatus,
    PaymentTransaction,
)
from orders.tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db

NEEDS_AUTH = "4000002760003184"
NEEDS_AUTH_TOO = "4000002500003155"
DECLINED_ON_SAVE = "4000000000000002"
DECLINED_ON_CHARGE = "4000000000000341"


@pytest.fixture
def store(localstripe):
    return StoreFactory(payment_mode=PaymentMode.CHARGE_LATER)


@pytest.fixture
def customer(store):
    return CustomerFactory(store=store, email="ada@example.com", name="Ada")


def ledger(order):
    return list(
        PaymentTransaction.objects.filter(order=order)
        .order_by("pk")
        .values_list("kind", "state", "amount", "gateway")
    )


def test_card_setup_start_makes_a_stripe_customer_and_a_setup_intent(customer, localstripe):
    setup = cards.card_setup_start(customer=customer)

    assert setup.setup_intent_id.startswith("seti_")
    assert setup.client_secret.startswith(setup.setup_intent_id + "_secret_")
    assert setup.publishable_key == localstripe.publishable_key
    assert setup.js_url == localstripe.js_url
    at_stripe = localstripe.call("GET", f"/v1/setup_intents/{setup.setup_intent_id}")
    assert at_stripe["customer"] == customer.stripe_customer.stripe_id
    assert at_stripe["usage"] == "off_session"
    # The same Stripe customer for the next card.
    cards.card_setup_start(customer=customer)
    assert (
        customer.__class__.objects.get(pk=customer.pk).stripe_customer.stripe_id
        == (at_stripe["customer"])
    )


def test_card_save_reads_the_confirmed_setup_intent(customer, localstripe):
    setup = cards.card_setup_start(customer=customer)
    # What Stripe.js does in the browser: confirm the SetupIntent with the card.
    confirmed = localstripe.call(
        "POST",
        f"/v1/setup_intents/{setup.setup_intent_id}/confirm",
        {
            "key": localstripe.publishable_key,
            "client_secret": setup.client_secret,
            "payment_method_data": {
                "type": "card",
                "card": {"number": "4242424242424242", "exp_month": 12, "exp_year": 2031,
                         "cvc": "123"},
            },
        },
    )  # fmt: skip
    assert confirmed["status"] == "succeeded"

    card = cards.card_save(customer=customer, setup_intent_id=setup.setup_intent_id)

    assert (card.brand, card.last4, card.exp_month, card.exp_year, card.is_default) == (
        "visa", "4242", 12, 2031, True,
    )  # fmt: skip
    assert card.describe() == "Visa ending in 4242"
    assert card.stripe_payment_method_id == confirmed["payment_method"]
    method = localstripe.call("GET", f"/v1/payment_methods/{card.stripe_payment_method_id}")
    assert method["customer"] == customer.stripe_customer.stripe_id
    # Saving it again (a double submit) returns the same card.
    again = cards.card_save(customer=customer, setup_intent_id=setup.setup_intent_id)
    assert again.pk == card.pk
    assert SavedCard.objects.filter(customer=customer).count() == 1


def test_card_save_refuses_an_unconfirmed_or_foreign_setup(customer, store, localstripe):
    setup = cards.card_setup_start(customer=customer)
    with pytest.raises(CardSetupFailed) as refused:
        cards.card_save(customer=customer, setup_intent_id=setup.setup_intent_id)
    assert refused.value.code == "requires_payment_method"

    # Another shopper's confirmed setup (its id seen somewhere) is not this shopper's card.
    other = CustomerFactory(store=store)
    theirs = cards.card_setup_start(customer=other)
    localstripe.call(
        "POST",
        f"/v1/setup_intents/{theirs.setup_intent_id}/confirm",
        {"payment_method": "pm_card_visa"},
    )
    with pytest.raises(CardSetupFailed) as refused:
        cards.card_save(customer=customer, setup_intent_id=theirs.setup_intent_id)
    assert refused.value.code == "not_yours"
    assert SavedCard.objects.count() == 0
    assert cards.card_save(customer=other, setup_intent_id=theirs.setup_intent_id).customer == other


def test_a_card_declined_when_saved_is_not_saved(customer):
    with pytest.raises(CardDeclined):
        cards.card_save_for_test(customer=customer, number=DECLINED_ON_SAVE)
    assert SavedCard.objects.filter(customer=customer).count() == 0


def test_first_card_is_default_then_default_moves(customer, localstripe):
    first = cards.card_save_for_test(customer=customer)
    second = cards.card_save_for_test(customer=customer, number="5555555555554444")
    assert selectors.default_card(customer) == first
    assert [c.pk for c in selectors.customer_cards(customer)] == [first.pk, second.pk]

    cards.card_set_default(customer=customer, card=second)
    assert selectors.default_card(customer) == second
    assert [c.pk for c in selectors.customer_cards(customer)] == [second.pk, first.pk]

    cards.card_remove(customer=customer, card=second)
    assert list(SavedCard.objects.filter(customer=customer)) == [first]
    assert SavedCard.objects.get(pk=first.pk).is_default is True
    detached = localstripe.call("GET", f"/v1/payment_methods/{second.stripe_payment_method_id}")
    assert detached["customer"] is None


def test_off_session_charge_authorizes_then_captures_on_shipping(
    customer, localstripe, django_capture_on_commit_callbacks
):
    card = cards.card_save_for_test(customer=customer)
    order = draft_order(customer)
    assert order.total == Decimal("21.60")

    placed = cards.order_pay_with_card(
        order=order, card=card, off_session=True, actor_label=orders.SHOPPER
    )

    order = placed.order
    assert placed.created is True
    assert (order.status, order.payment_status, order.authorized_amount) == (
        OrderStatus.PLACED, PaymentStatus.AUTHORIZED, Decimal("21.60"),
    )  # fmt: skip
    assert ledger(order) == [
        (PaymentKind.AUTHORIZATION, PaymentState.SUCCEEDED, Decimal("21.60"), "stripe")
    ]
    payment = StripePayment.objects.get(order=order)
    intent = localstripe.call("GET", f"/v1/payment_intents/{payment.payment_intent_id}")
    assert (intent["status"], intent["amount"], intent["capture_method"]) == (
        "requires_capture", 2160, "manual",
    )  # fmt: skip
    assert intent["metadata"]["reference_id"] == payment.reference_id == f"o{order.pk}-s1"

    with django_capture_on_commit_callbacks(execute=True):  # the capture task (eager Celery)
        orders.order_ship(order=order, carrier="UPS")

    order.refresh_from_db()
    assert (order.payment_status, order.captured_amount) == (
        PaymentStatus.CAPTURED, Decimal("21.60"),
    )  # fmt: skip
    assert ledger(order)[-1] == (
        PaymentKind.CAPTURE, PaymentState.SUCCEEDED, Decimal("21.60"), "stripe",
    )  # fmt: skip
    intent = localstripe.call("GET", f"/v1/payment_intents/{payment.payment_intent_id}")
    assert (intent["status"], intent["latest_charge"]["captured"]) == ("succeeded", True)


def test_capture_at_once(customer, store, localstripe):
    StripeSettings.objects.create(store=store, capture=CaptureMode.AT_ONCE)
    card = cards.card_save_for_test(customer=customer)
    order = draft_order(customer)

    order = cards.order_pay_with_card(
        order=order, card=card, off_session=False, actor_label=orders.SHOPPER
    ).order

    assert (order.payment_status, order.captured_amount) == (
        PaymentStatus.CAPTURED, Decimal("21.60"),
    )  # fmt: skip
    assert [row[:2] for row in ledger(order)] == [
        (PaymentKind.AUTHORIZATION, PaymentState.SUCCEEDED),
        (PaymentKind.CAPTURE, PaymentState.SUCCEEDED),
    ]
    payment = StripePayment.objects.get(order=order)
    intent = localstripe.call("GET", f"/v1/payment_intents/{payment.payment_intent_id}")
    assert (intent["status"], intent["capture_method"]) == ("succeeded", "automatic")


def test_cancel_voids_the_payment_intent(customer, localstripe):
    card = cards.card_save_for_test(customer=customer)
    order = cards.order_pay_with_card(
        order=draft_order(customer), card=card, off_session=True, actor_label=orders.SHOPPER
    ).order

    orders.order_cancel(order=order, actor_label="staff", restock=True, reason="Changed mind")

    order.refresh_from_db()
    assert (order.status, order.payment_status) == (OrderStatus.CANCELLED, PaymentStatus.VOIDED)
    assert ledger(order)[-1][:2] == (PaymentKind.VOID, PaymentState.SUCCEEDED)
    payment = StripePayment.objects.get(order=order)
    intent = localstripe.call("GET", f"/v1/payment_intents/{payment.payment_intent_id}")
    assert intent["status"] == "canceled"


def test_declined_card_places_nothing(customer, localstripe):
    card = cards.card_save_for_test(customer=customer, number=DECLINED_ON_CHARGE)
    order = draft_order(customer)

    with pytest.raises(CardDeclined) as declined:
        cards.order_pay_with_card(
            order=order, card=card, off_session=True, actor_label=orders.SHOPPER
        )

    assert declined.value.code == "card_declined"
    order.refresh_from_db()
    assert (order.status, order.authorized_amount) == (OrderStatus.DRAFT, Decimal("0"))
    assert ledger(order) == [
        (PaymentKind.AUTHORIZATION, PaymentState.DECLINED, Decimal("21.60"), "stripe")
    ]
    assert StripePayment.objects.get(order=order).status == "failed"

    # Another card for the same cart: a new attempt, a new reference.
    good = cards.card_save_for_test(customer=customer)
    placed = cards.order_pay_with_card(
        order=order, card=good, off_session=True, actor_label=orders.SHOPPER
    )
    assert placed.order.status == OrderStatus.PLACED
    references = StripePayment.objects.filter(order=order).values_list("reference_id", flat=True)
    assert sorted(references) == [f"o{order.pk}-s1", f"o{order.pk}-s2"]


@pytest.mark.parametrize("number", [NEEDS_AUTH, NEEDS_AUTH_TOO])
def test_card_needing_authentication_leaves_a_draft_and_emails_the_link(
    customer, localstripe, number, django_capture_on_commit_callbacks
):
    card = cards.card_save_for_test(customer=customer, number=number)
    order = draft_order(customer)

    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(CardNeedsAuthentication) as needs:
            cards.order_pay_with_card(
                order=order, card=card, off_session=True, actor_label=orders.SHOPPER
            )

    payment = StripePayment.objects.get(order=order)
    prefix = f"http://127.0.0.1:8000/shop/{order.store.slug}/pay/"
    assert needs.value.finish_url.startswith(prefix)
    token = needs.value.finish_url.removeprefix(prefix).strip("/")
    assert payment_for_token(store_slug=order.store.slug, token=token) == payment
    assert payment_for_token(store_slug="another-store", token=token) is None
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT
    assert ledger(order) == []
    assert payment.status == "requires_action"
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
    assert prefix in mail.outbox[0].body
    assert (
        mail.outbox[0].subject
        == f"Confirm your payment for {order.store.name} order {order.number}"
    )


def test_a_pay_on_delivery_order_is_not_charged(localstripe):
    store = StoreFactory(payment_mode=PaymentMode.PAY_ON_DELIVERY)
    customer = CustomerFactory(store=store)
    card = cards.card_save_for_test(customer=customer)
    order = draft_order(customer)

    with pytest.raises(OrderError) as refused:
        cards.order_pay_with_card(
            order=order, card=card, off_session=True, actor_label=orders.SHOPPER
        )

    assert refused.value.code == OrderErrorCode.NO_PAYMENT_EXPECTED
    assert StripePayment.objects.filter(order=order).count() == 0
    order.refresh_from_db()
    assert order.status == OrderStatus.DRAFT


def test_sold_out_while_authenticating_gives_the_money_back(customer, localstripe, client):
    card = cards.card_save_for_test(customer=customer, number=NEEDS_AUTH)
    order = draft_order(customer, stock=5)
    with pytest.raises(CardNeedsAuthentication):
        cards.order_pay_with_card(
            order=order, card=card, off_session=True, actor_label=orders.SHOPPER
        )
    payment = StripePayment.objects.get(order=order)
    intent = localstripe.call("GET", f"/v1/payment_intents/{payment.payment_intent_id}")
    localstripe.call(
        "POST",
        f"/v1/payment_intents/{payment.payment_intent_id}/_authenticate?success=true",
        {"key": localstripe.publishable_key, "client_secret": intent["client_secret"]},
    )
    product = order.lines.get().product
    product.stock = 0
    product.save(update_fields=["stock"])

    answer = client.post(cards.finish_path(payment))

    assert answer.status_code == 200
    assert b"is no longer available" in answer.content
    order.refresh_from_db()
    assert (order.status, order.payment_status) == (OrderStatus.CANCELLED, PaymentStatus.VOIDED)
    assert [row[:2] for row in ledger(order)] == [
        (PaymentKind.AUTHORIZATION, PaymentState.SUCCEEDED),
        (PaymentKind.VOID, PaymentState.SUCCEEDED),
    ]
    payment.refresh_from_db()
    assert payment.status == "released"
    at_stripe = localstripe.call("GET", f"/v1/payment_intents/{payment.payment_intent_id}")
    assert at_stripe["status"] == "canceled"
