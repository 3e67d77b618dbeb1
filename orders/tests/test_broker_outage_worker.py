"""A real broker outage: a Redis of the test's own, a real Celery worker on it, then Redis
stopped. A voice order paid meanwhile is confirmed in words and shipping it through the API
answers 200; with Redis started again on the same port the sweepers run (as beat would, a
minute later) and the confirmation email, the shipped email and the two webhooks go out
exactly once, through the worker.

The worker is ``orders/tests/test_celery_worker.py``'s; the webhooks arrive at a local
receiver that verifies every signature. The shared Redis on 6379 is never touched.
"""

import shutil
import subprocess
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from catalog.tests.factories import ProductFactory
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders.models import Order, OrderEvent, OrderEventType, OrderStatus
from orders.tests.test_celery_worker import Worker, wait_until
from outbox import broker
from outbox.models import OutboxMessage
from outbox.services import outbox_messages_sweep
from outbox.testing import broker_at
from skill.testing.envelopes import Shopper, directive_of, product_slot, speech_of
from testing import require
from webhooks.models import DeliveryState, WebhookDelivery
from webhooks.services import webhook_deliveries_sweep
from webhooks.testing.receiver import Receiver, free_port
from webhooks.tests.factories import WebhookEndpointFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

QUEUE = "outage"
PAID = (
    "9 dollars will be paid using Amazon Pay. More information in the Alexa app. "
    "Your order has been placed."
)


class RedisServer:
    """A ``redis-server`` of the test's own on ``port``, stopped and started again at will."""

    def __init__(self, port: int, log: Path):
        self.port, self.log, self.process = port, log, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            ],
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        wait_until(lambda: self._answers(client), timeout=15, what="redis-server to start")

    def _answers(self, client) -> bool:
        try:
            return bool(client.ping())
        except redis.ConnectionError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@pytest.fixture
def own_redis(db, tmp_path):
    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    require(shutil.which("redis-server") is not None, "needs redis-server on the PATH")
    server = RedisServer(free_port(), tmp_path / "redis.log")
    server.start()
    from config.celery import app

    saved = app.conf.task_default_queue
    app.conf.task_default_queue = QUEUE
    for cached in ("queues", "router"):
        app.amqp.__dict__.pop(cached, None)
    app.amqp.flush_routes()
    try:
        with broker_at(server.url):  # this process is the web: not eager, on this Redis
            yield server
    finally:
        server.stop()
        app.conf.task_default_queue = saved
        for cached in ("queues", "router"):
            app.amqp.__dict__.pop(cached, None)


@pytest.fixture
def receiver():
    receiver = Receiver()
    receiver.start()
    yield receiver
    receiver.stop()


def pay_by_voice(store, product, client):
    shopper = Shopper(client, store.skill_ids.first().skill_id)
    shopper.say("OrderProductIntent", Product=product_slot(product))
    assert directive_of(shopper.yes())["name"] == "Setup"
    shopper.amazon_pay()  # the summary
    assert directive_of(shopper.yes())["name"] == "Charge"
    started = time.monotonic()
    answer = shopper.amazon_pay()  # the Charge result: the order is placed and paid
    return answer, time.monotonic() - started


def emails(order, kind) -> int:
    return OrderEvent.objects.filter(
        order=order, type=OrderEventType.EMAIL_SENT, data__kind=kind
    ).count()


def test_a_broker_outage_keeps_every_answer_and_every_effect_happens_once_after(
    own_redis, receiver, tmp_path, settings
):
    settings.ALEXA_VERIFY_REQUESTS = False
    settings.ALEXA_API_HOSTS = []
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    store = StoreFactory(name="Plain Razors", tax_rate=Decimal("0"), amazon_pay_seller_id="A2P")
    kit = ProductFactory(
        store=store, name="Plain Starter Kit", spoken_name="starter kit", price=Decimal("9.00")
    )
    endpoint = WebhookEndpointFactory(
        store=store, url=receiver.url, events=["order.placed", "order.shipped"]
    )
    receiver.secret = endpoint.secret
    worker = Worker(
        QUEUE,
        tmp_path / "worker.log",
        CELERY_BROKER_URL=own_redis.url,
        CELERY_VISIBILITY_TIMEOUT=3600,
        WEBHOOKS_ALLOW_PRIVATE_ADDRESSES="true",
    )
    try:
        own_redis.stop()  # the outage

        answer, turn_seconds = pay_by_voice(store, kit, Client())
        assert speech_of(answer) == PAID
        assert turn_seconds < 2.0, turn_seconds
        order = Order.objects.get(store=store)
        assert order.status == OrderStatus.PLACED
        staff = APIClient()
        staff.force_authenticate(MembershipFactory(store=store, role=Role.SUPPORT_AGENT).user)
        started = time.monotonic()
        shipped = staff.post(
            f"/api/orders/{order.pk}/ship/",
            {"carrier": "UPS", "tracking_number": "1Z9"},
            format="json",
        )
        ship_seconds = time.monotonic() - started
        assert shipped.status_code == 200
        assert shipped.json()["status"] == "shipped"
        assert ship_seconds < 2.0, ship_seconds
        waiting = OutboxMessage.objects.filter(sent_at=None).order_by("pk")
        assert list(waiting.values_list("task", "args")) == [
            ("orders.tasks.send_order_email", [order.pk, "confirmation", ""]),
            ("orders.tasks.send_order_email", [order.pk, "shipped", ""]),
            ("notifications.tasks.send_order_status", [order.pk, "shipped"]),
        ]
        assert WebhookDelivery.objects.filter(state=DeliveryState.PENDING).count() == 2
        time.sleep(1)
        assert (emails(order, "confirmation"), receiver.received) == (0, [])

        own_redis.start()  # the broker is back; beat's sweepers run within the minute
        broker.resume()  # (this process's pause after the failure is long over by then)
        later = timezone.now() + timedelta(minutes=1)
        assert outbox_messages_sweep(now=later) == 3
        assert webhook_deliveries_sweep(now=later) == 2
        wait_until(
            lambda: emails(order, "confirmation") == emails(order, "shipped") == 1,
            timeout=90,
            what=f"the emails through the worker:\n{worker.text()[-3000:]}",
        )
        wait_until(lambda: len(receiver.received) == 2, timeout=60, what="the two webhooks")
        wait_until(
            lambda: WebhookDelivery.objects.filter(state=DeliveryState.SUCCEEDED).count() == 2,
            timeout=30,
            what="the two deliveries booked",
        )

        # Nothing more goes out: the sweepers find nothing, the worker sends nothing twice.
        assert outbox_messages_sweep(now=later) == 0
        assert webhook_deliveries_sweep(now=later) == 0
        time.sleep(3)
        assert (emails(order, "confirmation"), emails(order, "shipped")) == (1, 1)
        log = worker.text()
        assert log.count(f"Subject: Your Plain Razors order {order.number} is confirmed") == 1
        assert log.count(f"Subject: Your Plain Razors order {order.number} is on its way") == 1
        assert receiver.rejected == []
        assert [entry["type"] for entry in receiver.received] == ["order.placed", "order.shipped"]
        assert len(receiver.unique) == 2
        assert [e["payload"]["data"]["order"]["number"] for e in receiver.received] == [
            order.number
        ] * 2
        assert OutboxMessage.objects.filter(sent_at=None).count() == 0
        assert WebhookDelivery.objects.filter(state=DeliveryState.SUCCEEDED).count() == 2
    finally:
        worker.stop()
