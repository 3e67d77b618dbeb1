"""A delivery a worker is sending at this moment is not queued again by the sweeper: the
worker holds the delivery's row until the attempt is booked, and the sweeper skips held rows."""

import threading
from datetime import timedelta

import pytest
from django.db import connections, transaction
from django.utils import timezone

from webhooks import services
from webhooks.models import DeliveryState, WebhookDelivery
from webhooks.tests.factories import WebhookEndpointFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


def test_the_sweeper_skips_a_delivery_being_sent_and_queues_it_once_released(monkeypatch):
    endpoint = WebhookEndpointFactory(url="https://hooks.example.com/in", events=["order.placed"])
    event = services.webhook_event_emit(store=endpoint.store, type="order.placed", data={"a": 1})
    delivery = event.deliveries.get()
    queued: list[list[int]] = []
    monkeypatch.setattr(services, "queue_deliveries", lambda ids: queued.append(ids) or len(ids))
    holding, release = threading.Event(), threading.Event()

    def sender():  # what webhook_delivery_attempt does while the request is on the wire
        try:
            with transaction.atomic():
                WebhookDelivery.objects.select_for_update().get(pk=delivery.pk)
                holding.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=sender)
    thread.start()
    assert holding.wait(10)
    later = timezone.now() + timedelta(minutes=1)
    try:
        assert services.webhook_deliveries_sweep(now=later) == 0
    finally:
        release.set()
        thread.join(10)
    assert services.webhook_deliveries_sweep(now=later) == 1
    assert queued == [[], [delivery.pk]]
    assert WebhookDelivery.objects.get(pk=delivery.pk).state == DeliveryState.PENDING
