"""A real Celery worker on Redis killed in the middle of a delivery: after a restart the
delivery completes exactly once. The receiver got the same ``webhook-id`` twice (the first
answer never reached the dead worker) and deduplicates on it; the delivery row shows one
successful attempt (the dead worker's attempt rolled back with its transaction).

Run with a broker of its own, e.g. ``CELERY_BROKER_URL=redis://127.0.0.1:6379/12``; the
worker listens on a queue of its own (the orders worker tests' fixtures).
"""

import time

import pytest
from django.db import transaction

from merchant.tests.factories import StoreFactory
from orders.tests.helpers import place_order
from orders.tests.test_celery_worker import queue, start_worker, wait_until  # noqa: F401
from webhooks.models import DeliveryState, WebhookDelivery
from webhooks.testing.receiver import Receiver
from webhooks.tests.factories import WebhookEndpointFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_worker_killed_mid_delivery_delivers_exactly_once_after_restart(
    start_worker,  # noqa: F811 (the orders worker tests' fixture, imported above)
    settings,
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    receiver = Receiver()
    receiver.delay = 5.0  # the first request hangs: the worker dies waiting for the answer
    receiver.start()
    try:
        store = StoreFactory(payment_mode="charge_now")
        endpoint = WebhookEndpointFactory(store=store, url=receiver.url, events=["order.placed"])
        receiver.secret = endpoint.secret
        worker = start_worker(WEBHOOKS_ALLOW_PRIVATE_ADDRESSES="true")
        with transaction.atomic():
            place_order(store)  # the delivery task is queued after this commit
        assert receiver.arrived.wait(30), worker.text()[-3000:]
        worker.kill()
        delivery = WebhookDelivery.objects.get()
        assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 0)
        assert delivery.attempt_log.count() == 0

        receiver.delay = 0.0
        time.sleep(3.5)  # past the visibility timeout: the unacked message is redelivered
        start_worker(WEBHOOKS_ALLOW_PRIVATE_ADDRESSES="true")  # redelivered (acks_late)
        wait_until(
            lambda: WebhookDelivery.objects.filter(state=DeliveryState.SUCCEEDED).exists(),
            what="the delivery after the restart",
        )
        delivery.refresh_from_db()
        assert (delivery.state, delivery.attempts, delivery.last_status_code) == (
            DeliveryState.SUCCEEDED,
            1,
            200,
        )
        assert list(delivery.attempt_log.values_list("number", "outcome")) == [(1, "succeeded")]
        ids = [entry["id"] for entry in receiver.received]
        assert ids == [delivery.event.message_id, delivery.event.message_id]
        assert list(receiver.unique) == [delivery.event.message_id]
        assert receiver.rejected == []
    finally:
        receiver.stop()
