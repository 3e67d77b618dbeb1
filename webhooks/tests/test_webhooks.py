"""Webhooks end to end against a local receiver that verifies each request with the
``standardwebhooks`` library: every event type once, in the REST API's representation;
retries after the receiver was down; nothing lost while the broker is down; the address
rules; backoff, giving up and disabling; replay and the secret shown once in the admin."""

import ipaddress
import socket
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerDown

from catalog.product_services import product_stock_adjust, product_write
from catalog.tests.factories import ProductFactory
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders import services as orders
from orders.models import SandboxSimulation
from orders.tests.helpers import make_customer, place_order
from webhooks import services
from webhooks.admin import WebhookEndpointForm
from webhooks.models import (
    AttemptOutcome,
    DeliveryState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookEventType,
)
from webhooks.network import AddressRefused, resolve_checked
from webhooks.testing.receiver import Receiver
from webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db  # PostgreSQL in CI; any database locally


@pytest.fixture(autouse=True)
def _local_receivers_allowed(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True


@pytest.fixture
def receiver():
    r = Receiver().start()
    yield r
    r.stop()


@pytest.fixture
def endpoint(receiver):
    store = StoreFactory(payment_mode="charge_now")
    ep = WebhookEndpointFactory(store=store, url=receiver.url)
    receiver.secret = ep.secret
    return ep


def test_every_event_type_is_delivered_once_in_the_api_representation(
    endpoint, receiver, client, django_capture_on_commit_callbacks
):
    store = endpoint.store
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(store)
        orders.order_ship(order=order, carrier="DHL", tracking_number="JD1")
        orders.order_deliver(order=order)
        orders.order_refund(order=order, amount=Decimal("5.00"), reason="Dent")
        # A card dispute took 3.00 back, then the store won it.
        orders.order_book_chargeback(
            order=order, dispute_id="dp_1", amount=Decimal("3.00"), gateway="stripe"
        )
        orders.order_book_chargeback_reversal(order=order, dispute_id="dp_1", gateway="stripe")
        orders.order_cancel(order=place_order(store, customer=order.customer), reason="Changed")
        orders.refund_request_create(customer=order.customer, order=order)
        customer = make_customer(store)
        product = ProductFactory(store=store, price=Decimal("15.00"), stock=10)
        plan = orders.refill_plan_create(
            customer=customer, product=product, quantity=1, interval_weeks=4
        )
        plan.next_run_at = timezone.now() - timedelta(minutes=1)
        plan.save(update_fields=["next_run_at"])
        orders.refill_plan_renew(plan=plan)
        failing = orders.refill_plan_create(
            customer=make_customer(store), product=product, quantity=1, interval_weeks=4
        )
        failing.next_run_at = timezone.now() - timedelta(minutes=1)
        failing.save(update_fields=["next_run_at"])
        SandboxSimulation.objects.create(
            operation="authorize",
            match=failing.customer.billing_agreement_id,
            reason_code="InvalidPaymentMethod",
        )
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr("django.conf.settings.ORDERS_RENEWAL_MAX_ATTEMPTS", 1)
            orders.refill_plan_renew(plan=failing)
        # Emitted by the skill and notifications apps; the outbox is the same.
        services.webhook_event_emit(
            store=store, type="isp.purchase", data={"product_id": "amzn1.adg.product.1"}
        )
        services.webhook_event_emit(
            store=store, type="customer.erased", data={"customer": {"id": customer.pk}}
        )
        # The catalog: a change through the API, then the stock falling to its threshold.
        product_write(store=store, product=product, data={"low_stock_threshold": 5})
        product_stock_adjust(store=store, product_id=product.pk, delta=-4, reason="Count")

    assert receiver.rejected == []
    assert receiver.types() == sorted(
        [
            "order.placed",
            "order.placed",  # the second order (then cancelled)
            "order.placed",  # the refill renewal's order
            "order.shipped",
            "order.delivered",
            "refund.completed",
            "refund.completed",  # cancelling the paid second order refunds it
            "chargeback.created",
            "chargeback.reversed",
            "order.cancelled",
            "refund_request.created",
            "refill_plan.renewed",
            "refill_plan.failed",
            "isp.purchase",
            "customer.erased",
            "product.updated",
            "stock.low",
        ]
    )
    assert len(receiver.unique) == len(receiver.received) == 17
    assert set(receiver.types()) == set(WebhookEventType.values)
    assert WebhookDelivery.objects.filter(state=DeliveryState.SUCCEEDED).count() == 17
    assert WebhookAttempt.objects.filter(outcome=AttemptOutcome.SUCCEEDED).count() == 17

    by_type = {e["type"]: e["payload"] for e in reversed(receiver.received)}  # first of each
    # The order as GET /api/orders/<id>/ shows it (same fields, the state at that moment).
    client.force_login(MembershipFactory(store=store, role=Role.OWNER).user)
    api = client.get(f"/api/orders/{order.pk}/").json()
    delivered = by_type["order.delivered"]["data"]["order"]
    assert sorted(delivered) == sorted(api)  # the same fields (jsonb keeps no key order)
    assert (delivered["id"], delivered["number"], delivered["status"]) == (
        order.pk,
        order.number,
        "delivered",
    )
    shipped = by_type["order.shipped"]["data"]["order"]
    assert (shipped["status"], shipped["carrier"], shipped["tracking_number"]) == (
        "shipped",
        "DHL",
        "JD1",
    )
    refund = by_type["refund.completed"]["data"]
    assert (refund["refund"]["kind"], refund["refund"]["amount"]) == ("refund", "5.00")
    assert refund["order"]["refunded_amount"] == "5.00"
    chargeback = by_type["chargeback.created"]["data"]
    assert (chargeback["chargeback"]["kind"], chargeback["chargeback"]["amount"]) == (
        "chargeback",
        "3.00",
    )
    # The refund was still pending at the gateway then: net is captured less charged back.
    assert {
        k: chargeback["order"][k]
        for k in ("refunded_amount", "refund_pending_amount", "charged_back_amount", "net",
                  "refundable")
    } == {"refunded_amount": "0.00", "refund_pending_amount": "5.00",
          "charged_back_amount": "3.00", "net": "18.60", "refundable": "13.60"}  # fmt: skip
    reversal = by_type["chargeback.reversed"]["data"]
    assert (reversal["chargeback_reversal"]["kind"], reversal["chargeback_reversal"]["amount"]) == (
        "chargeback_reversal",
        "3.00",
    )
    assert (reversal["order"]["charged_back_amount"], reversal["order"]["net"]) == (
        "0.00",
        "21.60",
    )
    assert by_type["refund_request.created"]["data"]["refund_request"]["order"] == order.number
    assert by_type["refill_plan.renewed"]["data"]["refill_plan"]["id"] == plan.pk
    assert by_type["refill_plan.failed"]["data"]["refill_plan"]["status"] == "paused"
    assert by_type["refill_plan.failed"]["data"]["reason_code"] == "InvalidPaymentMethod"
    envelope = by_type["isp.purchase"]
    assert sorted(envelope) == ["data", "timestamp", "type"]
    assert envelope["data"] == {"product_id": "amzn1.adg.product.1"}


def test_an_event_rolls_back_with_the_change_that_caused_it(endpoint):
    with pytest.raises(RuntimeError), transaction.atomic():
        place_order(endpoint.store)
        assert WebhookEvent.objects.count() == 1
        raise RuntimeError("the order's transaction fails")
    assert (WebhookEvent.objects.count(), WebhookDelivery.objects.count()) == (0, 0)


def test_no_endpoint_no_event(db):
    store = StoreFactory()
    WebhookEndpointFactory(store=store, events=["order.shipped"])
    WebhookEndpointFactory(store=store, enabled=False)
    place_order(store)
    assert WebhookEvent.objects.count() == 0


def test_receiver_down_then_up_is_delivered_after_recovery(
    endpoint, receiver, django_capture_on_commit_callbacks
):
    receiver.stop()
    with django_capture_on_commit_callbacks(execute=True):
        place_order(endpoint.store)
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 1)
    failed = WebhookAttempt.objects.get()
    assert failed.outcome == AttemptOutcome.FAILED
    assert failed.error.startswith("Could not connect:")
    wait = delivery.next_attempt_at - failed.created_at
    assert timedelta(seconds=29) < wait <= timedelta(seconds=30)
    # Not yet due: the sweeper leaves it alone.
    assert services.webhook_deliveries_sweep() == 0

    receiver.start()
    later = delivery.next_attempt_at + timedelta(seconds=31)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.utils.timezone.now", lambda: later)
        assert services.webhook_deliveries_sweep() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts, delivery.last_status_code) == (
        DeliveryState.SUCCEEDED,
        2,
        200,
    )
    assert len(receiver.received) == 1
    assert list(delivery.attempt_log.values_list("number", "outcome", "status_code")) == [
        (2, "succeeded", 200),
        (1, "failed", None),
    ]
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0


def test_broker_down_when_the_order_changes_loses_nothing(
    endpoint, receiver, monkeypatch, django_capture_on_commit_callbacks, caplog
):
    from celery import current_app

    task = current_app.tasks[services.DELIVER_TASK]

    def broker_down(*args, **kwargs):
        raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(task, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        order = place_order(endpoint.store)  # the request does not fail
    assert order.status == "placed"
    assert "the sweeper will send them" in caplog.text
    delivery = WebhookDelivery.objects.get()
    assert (delivery.state, delivery.attempts) == (DeliveryState.PENDING, 0)
    assert receiver.received == []

    monkeypatch.undo()  # the broker is back; the beat's sweeper runs a minute later
    later = timezone.now() + timedelta(minutes=1)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.utils.timezone.now", lambda: later)
        assert services.webhook_deliveries_sweep() == 1
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SUCCEEDED, 1)
    assert [e["id"] for e in receiver.received] == [delivery.event.message_id]


def test_backoff_then_give_up_disables_the_endpoint_and_emails_the_owners(
    endpoint, receiver, settings, django_capture_on_commit_callbacks
):
    settings.WEBHOOKS_MAX_ATTEMPTS = 3
    owner = MembershipFactory(store=endpoint.store, role=Role.OWNER).user
    MembershipFactory(store=endpoint.store, role=Role.SUPPORT_AGENT)
    receiver.status = 500
    event = services.webhook_event_emit(store=endpoint.store, type="order.placed", data={"a": 1})
    delivery = event.deliveries.get()
    now = timezone.now()
    outcomes = []
    for _ in range(3):
        delivery.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            outcomes.append(services.webhook_delivery_attempt(delivery_id=delivery.pk, now=now))
        delivery.refresh_from_db()
        if delivery.next_attempt_at:
            assert services.webhook_delivery_attempt(delivery_id=delivery.pk) == "not_due"
            now = delivery.next_attempt_at
    assert outcomes == ["retrying", "retrying", "gave_up"]
    waits = [
        (b.created_at - a.created_at).total_seconds()
        for a, b in zip(
            *[list(WebhookAttempt.objects.order_by("id"))[i:] for i in (0, 1)], strict=False
        )
    ]
    assert len(waits) == 2
    assert services.retry_delay(1) == timedelta(seconds=30)
    assert services.retry_delay(2) == timedelta(seconds=60)
    assert services.retry_delay(15) == timedelta(hours=4)
    assert delivery.state == DeliveryState.FAILED
    assert delivery.last_error == "HTTP 500"
    endpoint.refresh_from_db()
    assert (endpoint.enabled, endpoint.consecutive_failures) == (False, 3)
    assert endpoint.disabled_reason.startswith(f"3 attempts of event {event.message_id} failed")
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert endpoint.url in mail.outbox[0].subject
    assert WebhookAttempt.objects.get(number=1).response_excerpt == '{"ok": true}'
    # A disabled endpoint gets nothing new.
    assert services.webhook_event_emit(store=endpoint.store, type="order.placed", data={}) is None


def test_redirects_are_not_followed(endpoint, receiver):
    receiver.status = 302
    receiver.headers_extra = {"location": "http://127.0.0.1:1/elsewhere"}
    event = services.webhook_event_emit(store=endpoint.store, type="order.placed", data={})
    delivery = event.deliveries.get()
    assert services.webhook_delivery_attempt(delivery_id=delivery.pk) == "retrying"
    delivery.refresh_from_db()
    assert (delivery.last_status_code, delivery.last_error) == (
        302,
        "HTTP 302 (redirects are not followed)",
    )
    assert len(receiver.received) == 1


def test_a_private_address_endpoint_is_refused_with_a_logged_reason(
    settings, receiver, monkeypatch
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    # Saved while it resolved to a public address; at delivery time DNS says 10.0.0.7.
    endpoint = WebhookEndpointFactory(url="https://hooks.example.com/in")
    monkeypatch.setattr(
        "webhooks.network.socket.getaddrinfo",
        lambda host, port, **kw: [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", port))],
    )
    event = services.webhook_event_emit(store=endpoint.store, type="order.placed", data={})
    delivery = event.deliveries.get()
    assert services.webhook_delivery_attempt(delivery_id=delivery.pk) == "retrying"
    attempt = WebhookAttempt.objects.get()
    assert attempt.outcome == AttemptOutcome.REFUSED
    assert attempt.error == (
        "hooks.example.com resolves to 10.0.0.7: loopback, private, link-local and reserved "
        "addresses are refused."
    )
    assert receiver.received == []
    # Literal addresses and plain HTTP are refused when the endpoint is saved.
    for url, sentence in [
        (
            "https://127.0.0.1/x",
            "127.0.0.1 is not a public address: webhooks go to the internet only.",
        ),
        (
            "https://[::ffff:169.254.169.254]/x",
            "::ffff:a9fe:a9fe is not a public address: webhooks go to the internet only.",
        ),
        (
            "http://hooks.example.com/x",
            "Use an https:// address: webhooks are only sent over HTTPS.",
        ),
    ]:
        with pytest.raises(services.WebhookError) as exc:
            services.webhook_endpoint_create(store=endpoint.store, url=url, events=["order.placed"])
        assert str(exc.value) == sentence
    assert WebhookEndpoint.objects.count() == 1


# IPv6 addresses that lead to a loopback or private IPv4 address, though ``is_global`` holds
# for most of them: IPv4-compatible, NAT64 (well-known and local-use), 6to4, Teredo, mapped.
IPV6_TO_PRIVATE_IPV4 = [
    "::127.0.0.1",
    "::8.8.8.8",  # the deprecated IPv4-compatible range is never on the internet
    "64:ff9b::127.0.0.1",
    "64:ff9b::10.0.0.1",
    "64:ff9b::169.254.169.254",
    "64:ff9b:1::a00:1",
    "64:ff9b:1:ffff::8.8.8.8",  # local-use NAT64 (RFC 8215), whatever it carries
    "2002:7f00:1::1",
    "2002:c0a8:101::1",
    "2001:0:4136:e378:8000:63bf:80ff:fffe",  # Teredo, client 127.0.0.1
    "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo, client 10.0.0.1
    "::ffff:10.0.0.1",
]
PUBLIC = ["8.8.8.8", "2606:4700:4700::1111", "64:ff9b::8.8.8.8", "2002:808:808::1"]


def _resolving_to(monkeypatch, address):
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    monkeypatch.setattr(
        "webhooks.network.socket.getaddrinfo",
        lambda host, port, **kw: [(family, socket.SOCK_STREAM, 6, "", (address, port))],
    )


@pytest.mark.parametrize("address", IPV6_TO_PRIVATE_IPV4)
def test_an_ipv6_address_leading_to_a_private_ipv4_address_is_refused_saved_and_dialled(
    settings, monkeypatch, address
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    store = StoreFactory()
    written = ipaddress.ip_address(address)
    with pytest.raises(services.WebhookError) as exc:
        services.webhook_endpoint_create(
            store=store, url=f"https://[{address}]/in", events=["order.placed"]
        )
    assert str(exc.value) == (
        f"{written} is not a public address: webhooks go to the internet only."
    )
    assert WebhookEndpoint.objects.count() == 0
    # Saved under a name that DNS later answers with the address: refused when dialled.
    _resolving_to(monkeypatch, address)
    with pytest.raises(AddressRefused) as refused:
        resolve_checked("hooks.example.com", 443)
    assert str(refused.value) == (
        f"hooks.example.com resolves to {written}: loopback, private, link-local and "
        "reserved addresses are refused."
    )


@pytest.mark.parametrize("address", PUBLIC)
def test_a_public_address_is_saved_and_dialled(settings, monkeypatch, address):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    host = f"[{address}]" if ":" in address else address
    endpoint = services.webhook_endpoint_create(
        store=StoreFactory(), url=f"https://{host}/in", events=["order.placed"]
    )
    assert endpoint.url == f"https://{host}/in"
    _resolving_to(monkeypatch, address)
    assert resolve_checked("hooks.example.com", 443) == str(ipaddress.ip_address(address))


def test_the_admin_form_refuses_a_nat64_loopback_address_in_words(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    store = StoreFactory()
    form = WebhookEndpointForm(
        data={
            "store": store.pk,
            "url": "https://[64:ff9b::127.0.0.1]/in",
            "events": ["order.placed"],
            "enabled": True,
        }
    )
    assert not form.is_valid()
    assert form.errors["url"] == [
        "64:ff9b::7f00:1 is not a public address: webhooks go to the internet only."
    ]


def test_the_connection_goes_to_the_checked_address_with_the_original_host(
    endpoint, receiver, monkeypatch
):
    """DNS rebinding: the name is resolved once, checked, and that address is dialled; the
    Host header still names the endpoint's host."""
    calls = []

    def resolve(host, port, *args, **kw):
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))]

    monkeypatch.setattr("webhooks.network.socket.getaddrinfo", resolve)
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        url=f"http://hooks.invalid:{receiver.port}/in"
    )
    event = services.webhook_event_emit(store=endpoint.store, type="order.placed", data={})
    assert services.webhook_delivery_attempt(delivery_id=event.deliveries.get().pk) == "succeeded"
    # The name once (checked), then the socket is opened on the address itself.
    assert calls == ["hooks.invalid", "127.0.0.1"]
    assert receiver.received[0]["headers"]["Host"] == f"hooks.invalid:{receiver.port}"


def test_replay_from_the_admin_sends_the_same_webhook_id_again(
    endpoint, receiver, client, django_capture_on_commit_callbacks
):
    owner = MembershipFactory(store=endpoint.store, role=Role.OWNER).user
    with django_capture_on_commit_callbacks(execute=True):
        event = services.webhook_event_emit(store=endpoint.store, type="order.placed", data={})
    delivery = event.deliveries.get()
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:webhooks_webhookdelivery_changelist"),
            {"action": "replay", "_selected_action": [delivery.pk]},
            follow=True,
        )
    assert "1 delivery queued to be sent again." in response.content.decode()
    assert [e["id"] for e in receiver.received] == [event.message_id, event.message_id]
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (DeliveryState.SUCCEEDED, 1)
    log = list(delivery.attempt_log.order_by("id").values_list("number", "outcome", "actor"))
    assert log == [(1, "succeeded", None), (0, "replay", owner.pk), (1, "succeeded", None)]
    page = client.get(reverse("admin:webhooks_webhookdelivery_change", args=[delivery.pk]))
    assert page.status_code == 200
    assert "Replay requested by staff" in page.content.decode()

    # A disabled endpoint: the replay is refused in words, nothing changes.
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(enabled=False)
    response = client.post(
        reverse("admin:webhooks_webhookdelivery_changelist"),
        {"action": "replay", "_selected_action": [delivery.pk]},
        follow=True,
    )
    assert (
        f"The endpoint {endpoint.url} is disabled: enable it before replaying."
        in response.content.decode()
    )
    assert delivery.attempt_log.count() == 3


def test_admin_shows_the_secret_once_and_keeps_other_stores_out(client):
    store = StoreFactory()
    other = StoreFactory()
    owner = MembershipFactory(store=store, role=Role.OWNER).user
    client.force_login(owner)
    response = client.post(
        reverse("admin:webhooks_webhookendpoint_add"),
        {
            "store": store.pk,
            "url": "https://hooks.example.com/in",
            "description": "ERP",
            "events": ["order.placed", "refund.completed"],
            "enabled": "on",
        },
        follow=True,
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["order.placed", "refund.completed"]
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.secret in response.content.decode()
    page = client.get(reverse("admin:webhooks_webhookendpoint_change", args=[endpoint.pk]))
    assert endpoint.secret not in page.content.decode()
    # Another store's endpoint: not found; a support agent: no webhooks at all.
    theirs = WebhookEndpointFactory(store=other)
    page = client.get(reverse("admin:webhooks_webhookendpoint_change", args=[theirs.pk]))
    assert page.status_code == 302  # Django's "does not exist" redirect to the index
    agent = MembershipFactory(store=store, role=Role.SUPPORT_AGENT).user
    client.force_login(agent)
    page = client.get(reverse("admin:webhooks_webhookendpoint_changelist"))
    assert page.status_code == 403


def test_an_owner_may_choose_the_chargeback_events(client):
    store = StoreFactory()
    client.force_login(MembershipFactory(store=store, role=Role.OWNER).user)
    add = reverse("admin:webhooks_webhookendpoint_add")
    page = client.get(add).content.decode()
    assert 'value="chargeback.created"' in page and 'value="chargeback.reversed"' in page
    assert "chargeback.created: a card dispute took a payment&#x27;s money back" in page
    client.post(
        add,
        {
            "store": store.pk,
            "url": "https://hooks.example.com/accounting",
            "events": ["chargeback.reversed", "chargeback.created"],
            "enabled": "on",
        },
    )
    endpoint = WebhookEndpoint.objects.get()
    assert endpoint.events == ["chargeback.created", "chargeback.reversed"]
    updated = services.webhook_endpoint_update(
        endpoint=endpoint,
        url=endpoint.url,
        events=["chargeback.reversed", "refund.completed"],
        description="",
        enabled=True,
    )
    assert updated.events == ["refund.completed", "chargeback.reversed"]
    with pytest.raises(services.WebhookError, match="Unknown event types: chargeback.updated."):
        services.webhook_endpoint_create(
            store=store, url=endpoint.url, events=["chargeback.created", "chargeback.updated"]
        )
    assert WebhookEndpoint.objects.count() == 1


def test_the_signing_secret_is_encrypted_at_rest(db):
    endpoint = WebhookEndpointFactory()
    plain = endpoint.secret
    assert plain.startswith("whsec_")
    stored = WebhookEndpoint.objects.values_list("secret_encrypted", flat=True).get(pk=endpoint.pk)
    assert plain not in stored and stored
    rotated = services.webhook_endpoint_rotate_secret(endpoint=endpoint)
    assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == rotated != plain
