"""A voice order paid while the Celery broker is down is confirmed in words, never answered
with the outage apology (a shopper who believes the apology pays twice); its confirmation
email goes out once, when the outbox's sweeper runs with the broker back.

Transactional: the Charge turn commits for real, so its after-commit hooks run inside the
turn, as in production.
"""

import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from merchant.tests.factories import StoreFactory
from orders.models import Order, OrderStatus, PaymentKind
from outbox.models import OutboxMessage
from outbox.services import outbox_messages_sweep
from outbox.testing import broker_at, broker_down, silent_broker
from skill.speech import en_US
from skill.testing.envelopes import directive_of, product_slot, speech_of

pytestmark = pytest.mark.django_db(transaction=True)

PAID_9 = (
    "9 dollars will be paid using Amazon Pay. More information in the Alexa app. "
    "Your order has been placed."
)


@pytest.fixture
def at_the_charge(make_shopper):
    """A shopper of a 9-dollar kit who said yes to the summary: Alexa's next request is the
    Charge result."""
    store = StoreFactory(name="Plain Razors", tax_rate=Decimal("0"), amazon_pay_seller_id="A2P")
    kit = ProductFactory(
        store=store, name="Plain Starter Kit", spoken_name="starter kit", price=Decimal("9.00")
    )
    shopper = make_shopper(store)
    shopper.say("OrderProductIntent", Product=product_slot(kit))
    assert directive_of(shopper.yes())["name"] == "Setup"
    shopper.amazon_pay()  # the summary
    assert directive_of(shopper.yes())["name"] == "Charge"
    return shopper


def confirmation_emails() -> list[str]:
    return [str(m.subject) for m in mail.outbox if "is confirmed" in m.subject]


def test_a_paid_order_is_confirmed_in_words_and_emailed_once_the_broker_is_back(at_the_charge):
    with broker_down():
        done = at_the_charge.amazon_pay()
    assert speech_of(done) == PAID_9
    assert en_US.APOLOGY not in speech_of(done)
    order = Order.objects.get(status=OrderStatus.PLACED)
    assert order.transactions.filter(kind=PaymentKind.AUTHORIZATION).count() == 1
    assert list(OutboxMessage.objects.filter(sent_at=None).values_list("task", "args")) == [
        ("orders.tasks.send_order_email", [order.pk, "confirmation", ""])
    ]
    assert confirmation_emails() == []

    later = timezone.now() + timedelta(minutes=1)
    assert outbox_messages_sweep(now=later) == 1  # the broker is back
    assert confirmation_emails() == [f"Your Plain Razors order {order.number} is confirmed"]
    assert outbox_messages_sweep(now=later) == 0
    assert len(confirmation_emails()) == 1


def test_a_silent_broker_costs_the_charge_turn_at_most_one_socket_timeout(at_the_charge, settings):
    with silent_broker() as url, broker_at(url):
        started = time.monotonic()
        done = at_the_charge.amazon_pay()
        seconds = time.monotonic() - started
    assert speech_of(done) == PAID_9
    assert seconds < settings.CELERY_BROKER_SOCKET_TIMEOUT + 1.0, seconds
    assert OutboxMessage.objects.filter(sent_at=None).count() == 1
