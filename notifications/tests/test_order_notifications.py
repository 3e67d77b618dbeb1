"""Order notifications on Alexa, against local stand-ins for Login with Amazon and the
Proactive Events API that check the token, the body and the schema."""

from datetime import date, timedelta

import pytest
from celery import current_app
from django.db import transaction
from django.utils import timezone

from merchant.tests.factories import StoreFactory
from notifications import lwa, tasks
from notifications.models import NotificationState, OrderNotification
from orders import services
from orders.models import Order, OrderEvent, OrderEventType
from orders.signals import order_status_changed
from orders.tests.factories import CustomerFactory, OrderFactory
from outbox.models import OutboxMessage
from outbox.services import outbox_messages_sweep
from outbox.testing import broker_down

CLIENT_ID = "amzn1.application-oa2-client.notify"
CLIENT_SECRET = "messaging-secret-never-logged"

pytestmark = pytest.mark.django_db(transaction=True)


def make_order(amazon, *, subscribed=True, sandbox=True, credentials=True, **customer):
    store = StoreFactory(
        name="No Nicks",
        sandbox_mode=sandbox,
        enabled_locales=["en-US", "de-DE"],
        default_locale="en-US",
    )
    if credentials:
        store.messaging_client_id = CLIENT_ID
        store.set_messaging_client_secret(CLIENT_SECRET)
        store.save()
        amazon.clients[CLIENT_ID] = CLIENT_SECRET
    customer = CustomerFactory(
        store=store,
        order_updates_subscribed=subscribed,
        **{"alexa_api_endpoint": amazon.url, **customer},
    )
    return OrderFactory(store=store, customer=customer)


@pytest.fixture
def eager_retries(monkeypatch):
    """Eager Celery runs a retry at once, inside the try that asked for it; with errors
    propagating, the Retry of a second-level try would escape, so keep them in the result."""
    monkeypatch.setitem(current_app.conf, "task_eager_propagates", False)


def timeline(order):
    return [
        (e.type, e.data.get("status"))
        for e in OrderEvent.objects.filter(order=order).order_by("pk")
        if e.type.startswith("alexa_notification")
    ]


def test_each_status_change_sends_one_notification(amazon):
    order = make_order(amazon)
    services.order_ship(order=order, carrier="UPS", expected_arrival=date(2030, 5, 17))
    services.order_mark_out_for_delivery(order=order)
    services.order_deliver(order=order)

    assert amazon.rejected == []
    assert [sent.stage for sent in amazon.accepted] == ["development"] * 3
    bodies = [sent.body for sent in amazon.accepted]
    assert [b["event"]["payload"]["state"]["status"] for b in bodies] == [
        "ORDER_SHIPPED",
        "ORDER_OUT_FOR_DELIVERY",
        "ORDER_DELIVERED",
    ]
    first = bodies[0]
    assert first["referenceId"] == f"order-{order.pk}-shipped"
    assert first["event"]["payload"]["state"]["deliveryDetails"] == {
        "expectedArrival": "2030-05-17T12:00:00Z"
    }
    assert "deliveryDetails" not in bodies[2]["event"]["payload"]["state"]
    assert first["localizedAttributes"] == [
        {"locale": "en-US", "sellerName": "No Nicks"},
        {"locale": "de-DE", "sellerName": "No Nicks"},
    ]
    assert first["relevantAudience"] == {
        "type": "Unicast",
        "payload": {"user": order.customer.alexa_user_id},
    }
    # One token for the three (cached), asked for with the store's credentials.
    assert len(amazon.token_requests) == 1
    assert amazon.token_requests[0] == {
        "grant_type": "client_credentials",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "scope": "alexa::proactive_events",
    }
    assert len({sent.token for sent in amazon.accepted}) == 1
    assert timeline(order) == [
        ("alexa_notification_sent", "shipped"),
        ("alexa_notification_sent", "out_for_delivery"),
        ("alexa_notification_sent", "delivered"),
    ]
    assert (
        list(OrderNotification.objects.filter(order=order).values_list("state", "attempts"))
        == [("sent", 1)] * 3
    )


def test_a_live_store_uses_the_live_api(amazon):
    order = make_order(amazon, sandbox=False)
    services.order_ship(order=order, carrier="UPS")
    assert [sent.stage for sent in amazon.accepted] == ["live"]
    assert "deliveryDetails" not in amazon.accepted[0].body["event"]["payload"]["state"]


@pytest.mark.parametrize(
    "setup",
    [
        {"subscribed": False},
        {"credentials": False},
        {"alexa_api_endpoint": ""},
    ],
    ids=["not subscribed", "store without credentials", "no Alexa host known"],
)
def test_no_notification_without_permission(amazon, setup):
    order = make_order(amazon, **setup)
    services.order_ship(order=order, carrier="UPS")
    assert (amazon.token_requests, amazon.accepted) == ([], [])
    assert OrderNotification.objects.count() == 0
    assert timeline(order) == []


def test_a_host_outside_the_allow_list_is_never_called(amazon):
    order = make_order(amazon, alexa_api_endpoint="https://evil.example.com")
    services.order_ship(order=order, carrier="UPS")
    assert amazon.accepted == []
    notification = OrderNotification.objects.get(order=order)
    assert notification.state == NotificationState.FAILED
    assert "not an allowed Amazon host" in notification.last_error
    assert timeline(order) == [("alexa_notification_failed", "shipped")]


def test_one_notification_per_order_and_status_when_the_task_runs_again(amazon):
    order = make_order(amazon)
    services.order_ship(order=order, carrier="UPS")
    # acks_late: a redelivered message, or the same status queued twice.
    assert tasks.send_order_status.apply(args=[order.pk, "shipped"]).get() == "already_sent"
    assert tasks.send_order_status.apply(args=[order.pk, "shipped"]).get() == "already_sent"
    assert len(amazon.accepted) == 1
    assert OrderNotification.objects.filter(order=order).count() == 1
    assert timeline(order) == [("alexa_notification_sent", "shipped")]


def test_429_then_success_is_sent_once_with_the_same_reference(amazon, eager_retries):
    order = make_order(amazon)
    amazon.script[:] = [429, 503]
    services.order_ship(order=order, carrier="UPS")  # eager Celery: the retries run at once
    assert amazon.answered == [429, 503, 202]
    assert len(amazon.accepted) == 1
    notification = OrderNotification.objects.get(order=order)
    assert (notification.state, notification.attempts) == ("sent", 3)
    assert timeline(order) == [("alexa_notification_sent", "shipped")]


def test_gives_up_after_the_last_try_with_a_timeline_entry(amazon, settings, eager_retries):
    settings.ALEXA_NOTIFICATION_MAX_TRIES = 3
    order = make_order(amazon)
    amazon.script[:] = [503, 429, 500, 500]
    services.order_ship(order=order, carrier="UPS")
    assert amazon.answered == [503, 429, 500]
    assert amazon.accepted == []
    notification = OrderNotification.objects.get(order=order)
    assert (notification.state, notification.attempts) == ("failed", 3)
    event = OrderEvent.objects.get(order=order, type=OrderEventType.ALEXA_NOTIFICATION_FAILED)
    assert event.data == {
        "status": "shipped",
        "reference_id": f"order-{order.pk}-shipped",
        "reason": "Proactive Events API answered HTTP 500",
        "attempts": 3,
    }
    # Given up means given up: another run sends nothing.
    assert tasks.send_order_status.apply(args=[order.pk, "shipped"]).get() == "already_failed"
    assert amazon.answered == [503, 429, 500]


def test_the_backoff_doubles(amazon, settings, monkeypatch):
    """With a broker the retry waits 30 s, then 60 s, ...: the countdowns asked of Celery."""
    countdowns = []

    def retry(*args, countdown=None, **kwargs):
        countdowns.append(countdown)
        raise RuntimeError("stop")

    monkeypatch.setattr(tasks.send_order_status, "retry", retry)
    order = make_order(amazon)
    amazon.script[:] = [429, 429]
    for _ in range(2):
        with pytest.raises(RuntimeError):
            tasks.send_order_status.run(order.pk, "shipped")
    assert countdowns == [30, 60]


def test_an_expired_token_is_renewed_once(amazon):
    order = make_order(amazon)
    services.order_ship(order=order, carrier="UPS")
    amazon.expire_tokens()  # Amazon no longer takes the cached token: 401
    services.order_mark_out_for_delivery(order=order)
    assert amazon.answered == [202, 401, 202]
    assert len(amazon.token_requests) == 2
    assert amazon.accepted[0].token != amazon.accepted[1].token
    assert timeline(order) == [
        ("alexa_notification_sent", "shipped"),
        ("alexa_notification_sent", "out_for_delivery"),
    ]


def test_a_token_is_renewed_before_it_expires(amazon):
    amazon.token_lifetime = 30  # shorter than the safety margin: never reused
    order = make_order(amazon)
    services.order_ship(order=order, carrier="UPS")
    services.order_deliver(order=order)
    assert len(amazon.token_requests) == 2
    assert amazon.answered == [202, 202]


def test_wrong_credentials_give_up_at_once(amazon):
    order = make_order(amazon)
    amazon.clients[CLIENT_ID] = "another-secret"
    services.order_ship(order=order, carrier="UPS")
    assert amazon.answered == []
    notification = OrderNotification.objects.get(order=order)
    assert (notification.state, notification.attempts) == ("failed", 1)
    assert "HTTP 401 invalid_client" in notification.last_error


def test_nothing_is_sent_before_the_commit_or_after_a_rollback(amazon):
    order = make_order(amazon)
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            services.order_ship(order=order, carrier="UPS")
            raise RuntimeError("rolled back")
    assert amazon.accepted == [] and amazon.token_requests == []


def test_the_secret_is_never_logged(amazon, caplog):
    order = make_order(amazon)
    amazon.clients[CLIENT_ID] = "another-secret"
    amazon.script[:] = []
    with caplog.at_level("DEBUG"):
        services.order_ship(order=order, carrier="UPS")
    assert CLIENT_SECRET not in caplog.text
    assert CLIENT_SECRET not in OrderNotification.objects.get(order=order).last_error


def test_tokens_are_per_store(amazon):
    first, second = make_order(amazon), make_order(amazon)
    services.order_ship(order=first, carrier="UPS")
    services.order_ship(order=second, carrier="UPS")
    assert len(amazon.token_requests) == 2
    lwa.clear()


def test_the_status_change_is_heard_through_the_orders_signal_and_kept_in_the_outbox(amazon):
    """Orders announces the change (``orders.signals``) and names no task of this app; the
    receiver records the notification in the outbox with the change, so a broker outage
    delays it and never loses or doubles it."""
    assert order_status_changed.has_listeners(Order)
    order = make_order(amazon)
    with broker_down():
        services.order_ship(order=order, carrier="UPS")
    assert amazon.accepted == []
    assert list(OutboxMessage.objects.filter(sent_at=None).values_list("task", "args")) == [
        ("orders.tasks.send_order_email", [order.pk, "shipped", ""]),
        ("notifications.tasks.send_order_status", [order.pk, "shipped"]),
    ]
    later = timezone.now() + timedelta(minutes=1)
    assert outbox_messages_sweep(now=later) == 2  # the broker is back
    assert outbox_messages_sweep(now=later) == 0
    assert [b["referenceId"] for b in (sent.body for sent in amazon.accepted)] == [
        f"order-{order.pk}-shipped"
    ]


def test_a_cancellation_or_a_refund_queues_no_alexa_notification(amazon):
    """Orders announces cancellations and refunds too (for shopping agents' webhooks); they
    are not Alexa order notifications, so nothing of this app goes to the outbox."""
    order = make_order(amazon)
    with broker_down():
        order_status_changed.send(sender=Order, order=order, status=OrderEventType.CANCELLED)
        order_status_changed.send(sender=Order, order=order, status=OrderEventType.REFUND_COMPLETED)
        order_status_changed.send(sender=Order, order=order, status=OrderEventType.DELIVERED)
    assert list(
        OutboxMessage.objects.filter(task="notifications.tasks.send_order_status").values_list(
            "args", flat=True
        )
    ) == [[order.pk, "delivered"]]
