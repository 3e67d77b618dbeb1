"""Capture-on-ship, refund settlement and a plan renewal through a real Celery worker on
Redis; then a worker killed mid-task: after a restart the task completes exactly once
(acks_late + reject on worker lost + idempotent services).

The worker runs ``celery -A merchant worker`` as a subprocess on the test database and on
a queue of its own, so parallel test runs sharing the broker do not steal each other's tasks.
"""

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from orders import services
from orders.models import (
    Order,
    OrderEvent,
    OrderEventType,
    PaymentKind,
    PaymentState,
    PaymentTransaction,
    RefillRenewal,
    SandboxObject,
)
from orders.tests.helpers import make_customer, place_order
from testing import require

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
CELERY = Path(sys.executable).parent / "celery"


def _broker_up() -> bool:
    url = settings.CELERY_BROKER_URL
    if not url.startswith("redis"):
        return False
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except Exception:
        return False


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class Worker:
    def __init__(self, queue: str, log: Path, **env):
        self.log = log
        environment = {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "CONN_MAX_AGE": "0",
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "CELERY_VISIBILITY_TIMEOUT": "3",
            "SECRET_KEY": "worker-test",
            "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            **{k: str(v) for k, v in env.items()},
        }
        self.process = subprocess.Popen(
            [
                str(CELERY),
                "-A",
                "config",
                "worker",
                "-l",
                "info",
                "-c",
                "1",
                "-P",
                "prefork",
                "-Q",
                queue,
                "-n",
                f"{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=environment,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: kill takes the pool children too
        )
        self.wait_for("ready")

    def text(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, needle: str, timeout=60.0, count=1):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.text().count(needle) >= count:
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.1)
        raise AssertionError(f"worker never logged {needle!r}:\n{self.text()[-3000:]}")

    def kill(self):
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def wait_until(predicate, timeout=45.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def queue(db):
    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    require(_broker_up(), "needs a Redis broker (set CELERY_BROKER_URL)")
    from config.celery import app

    name = f"test-orders-{uuid.uuid4().hex[:8]}"
    saved = (app.conf.task_always_eager, app.conf.task_default_queue)
    app.conf.task_always_eager = False
    app.conf.task_default_queue = name
    for cached in ("queues", "router", "producer_pool"):
        app.amqp.__dict__.pop(cached, None)
    app.amqp.flush_routes()
    yield name
    app.conf.task_always_eager, app.conf.task_default_queue = saved
    for cached in ("queues", "router"):
        app.amqp.__dict__.pop(cached, None)


@pytest.fixture
def start_worker(queue, tmp_path):
    workers = []

    def start(**env):
        worker = Worker(queue, tmp_path / f"worker{len(workers)}.log", **env)
        workers.append(worker)
        return worker

    yield start
    for worker in workers:
        worker.stop()


def captured(order) -> bool:
    order.refresh_from_db()
    return order.captured_amount > 0


def test_capture_on_ship_refund_settlement_and_renewal_through_a_worker(db, start_worker):
    from merchant.tests.factories import StoreFactory

    start_worker()
    # Charge Later: shipping captures through the worker and emails the tracking number.
    later = StoreFactory(payment_mode="charge_later")
    order = place_order(later)
    services.order_ship(order=order, carrier="DHL", tracking_number="JD42")
    wait_until(lambda: captured(order), what="capture")
    assert order.captured_amount == Decimal("21.60")
    wait_until(
        lambda: OrderEvent.objects.filter(
            order=order, type=OrderEventType.EMAIL_SENT, data__kind="shipped"
        ).exists(),
        what="shipped email",
    )
    # An Amazon refund starts Pending; the worker settles it.
    now_store = StoreFactory(payment_mode="charge_now")
    paid = place_order(now_store)
    refund = services.order_refund(order=paid, amount=Decimal("6.00"), reason="Dent")
    assert refund.state == PaymentState.PENDING

    def settled():
        refund.refresh_from_db()
        return refund.state == PaymentState.SUCCEEDED

    wait_until(settled, what="refund settlement")
    paid.refresh_from_db()
    assert (paid.refunded_amount, paid.refund_pending_amount) == (Decimal("6.00"), 0)
    # The beat job's task finds the due plan and the worker renews it.
    customer = make_customer(now_store)
    plan = services.refill_plan_create(
        customer=customer, product=paid.lines.get().product, quantity=1, interval_weeks=4
    )
    plan.next_run_at = timezone.now() - timedelta(minutes=1)
    plan.save(update_fields=["next_run_at"])
    from orders.tasks import renew_due_refill_plans

    renew_due_refill_plans.delay()
    wait_until(
        lambda: RefillRenewal.objects.filter(plan=plan, state="succeeded").exists(),
        what="plan renewal",
    )
    renewal = RefillRenewal.objects.get(plan=plan)
    assert renewal.order.authorized_amount == Decimal("10.80")
    wait_until(
        lambda: OrderEvent.objects.filter(
            order=renewal.order, type=OrderEventType.EMAIL_SENT, data__kind="plan_renewed"
        ).exists(),
        what="renewal email",
    )


def test_worker_killed_mid_capture_completes_exactly_once_after_restart(db, start_worker):
    from merchant.tests.factories import StoreFactory

    # Each sandbox call takes 4 s, so the capture is surely in flight when the worker dies.
    first = start_worker(AMAZON_PAY_SANDBOX_LATENCY_SECONDS=4)
    order = place_order(StoreFactory(payment_mode="charge_later"))
    services.order_ship(order=order, carrier="UPS", tracking_number="1Z1")
    first.wait_for("capture_order_payment[")  # received: now inside the 4 s capture call
    time.sleep(1.5)
    first.kill()
    assert not re.search(r"capture_order_payment\[[^]]+\] succeeded", first.text())
    task_id = re.search(r"capture_order_payment\[([^]]+)\] received", first.text()).group(1)
    assert not captured(order)  # the killed transaction was rolled back
    time.sleep(3.5)  # past the visibility timeout: the unacked message is redelivered
    second = start_worker()
    wait_until(lambda: captured(order), what="capture after restart")
    second.wait_for("capture_order_payment[")
    # The very message the dead worker had taken was redelivered and ran once to the end.
    second.wait_for(f"capture_order_payment[{task_id}] succeeded")
    time.sleep(2)  # let any duplicate delivery run, too
    assert second.text().count(f"capture_order_payment[{task_id}] succeeded") == 1
    assert PaymentTransaction.objects.filter(order=order, kind=PaymentKind.CAPTURE).count() == 1
    assert OrderEvent.objects.filter(order=order, type=OrderEventType.PAYMENT_CAPTURED).count() == 1
    assert SandboxObject.objects.filter(kind="capture").count() == 1
    order.refresh_from_db()
    assert order.captured_amount == Decimal("21.60")
    assert Order.objects.get(pk=order.pk).payment_status == "captured"
