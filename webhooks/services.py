"""Every write of the webhooks app.

``webhook_event_emit`` is the transactional outbox: callers (the orders services, the
notifications app) call it inside their own transaction, so the event and its deliveries
commit or roll back with the change they report. After commit one Celery task per delivery
is queued; if the broker is down the rows stay pending and the sweeper
(``webhook_deliveries_sweep``, every minute) queues them again. Delivery holds the
delivery's row lock while it sends, so two workers never send the same delivery at once;
a worker that dies mid-send rolls its attempt back and the delivery is sent again (same
``webhook-id``: receivers deduplicate on it).
"""

import base64
import logging
import secrets
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from merchant.models import Role, StaffMembership, Store
from outbox import broker

from .models import (
    AttemptOutcome,
    DeliveryState,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookEventType,
)
from .network import url_problem
from .selectors import due_delivery_ids
from .sending import SendResult, send

log = logging.getLogger(__name__)

DELIVER_TASK = "webhooks.tasks.deliver_webhook"


class WebhookError(Exception):
    """A refused change, with the sentence staff read."""


# Endpoints -------------------------------------------------------------------------------------


def new_secret() -> str:
    """A Standard Webhooks signing secret: ``whsec_`` + base64 of 32 random bytes."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def _check_endpoint(url: str, events: list[str]) -> list[str]:
    problem = url_problem(url)
    if problem:
        raise WebhookError(problem)
    unknown = sorted(set(events) - set(WebhookEventType.values))
    if unknown:
        raise WebhookError(f"Unknown event types: {', '.join(unknown)}.")
    if not events:
        raise WebhookError("Choose at least one event.")
    return [t for t in WebhookEventType.values if t in events]


@transaction.atomic
def webhook_endpoint_create(
    *, store: Store, url: str, events: list[str], description: str = ""
) -> WebhookEndpoint:
    """The new endpoint, with its secret in ``endpoint.secret`` (show it once)."""
    events = _check_endpoint(url, events)
    return WebhookEndpoint.objects.create(  # type: ignore[misc]  # secret: a property the plugin does not know
        store=store, url=url, events=events, description=description, secret=new_secret()
    )


@transaction.atomic
def webhook_endpoint_update(
    *, endpoint: WebhookEndpoint, url: str, events: list[str], description: str, enabled: bool
) -> WebhookEndpoint:
    """Edit an endpoint; enabling a disabled one clears its failures, and its pending
    deliveries go out again at the next sweep."""
    events = _check_endpoint(url, events)
    endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
    endpoint.url, endpoint.events, endpoint.description = url, events, description
    if enabled and not endpoint.enabled:
        endpoint.consecutive_failures = 0
        endpoint.disabled_at = None
        endpoint.disabled_reason = ""
    endpoint.enabled = enabled
    endpoint.save()
    return endpoint


@transaction.atomic
def webhook_endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> str:
    """A new secret, effective for the next attempt; returns it (show it once)."""
    secret = new_secret()
    endpoint.secret = secret  # encrypted on the row
    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
        secret_encrypted=endpoint.secret_encrypted, updated_at=timezone.now()
    )
    return secret


TEST_EVENT_TYPE = "webhook.test"


def test_result_in_words(*, url: str, result: SendResult) -> str:
    """A test send's outcome as staff read it: the status code and time, or the error."""
    if result.refused:
        return f"Not sent to {url}: {result.error}"
    if result.ok:
        return (
            f"Delivered to {url}: it answered HTTP {result.status_code} in {result.duration_ms} ms."
        )
    if result.status_code is not None:
        excerpt = " ".join(result.excerpt.split())[:120]
        said = f" It said: “{excerpt}”." if excerpt else ""
        return (
            f"Not delivered to {url}: it answered HTTP {result.status_code} after "
            f"{result.duration_ms} ms ({result.error}); a 2xx answer is a success.{said}"
        )
    return f"Not delivered to {url} after {result.duration_ms} ms: {result.error}"


def webhook_endpoint_send_test(*, endpoint: WebhookEndpoint, actor: User) -> tuple[bool, str]:
    """Send one signed ``webhook.test`` event to ``endpoint`` now (not through the outbox:
    nothing is stored, nothing retried) and say what happened: (delivered, words)."""
    message_id = f"msg_test_{uuid.uuid4().hex}"
    payload = {
        "type": TEST_EVENT_TYPE,
        "timestamp": timezone.now().isoformat().replace("+00:00", "Z"),
        "data": {
            "store": endpoint.store.slug,
            "endpoint_id": endpoint.pk,
            "sent_by": actor.get_username(),
            "message": "A test event from the portal: no order or refund changed.",
        },
    }
    result = send(url=endpoint.url, secret=endpoint.secret, message_id=message_id, payload=payload)
    log.info("webhook test event %s to endpoint %s: %s", message_id, endpoint.pk, result.ok)
    return result.ok, test_result_in_words(url=endpoint.url, result=result)


# The outbox -----------------------------------------------------------------------------------


def webhook_event_emit(
    *,
    store: Store | int,
    type: str,  # noqa: A002
    data: dict[str, Any] | Callable[[], dict[str, Any]],
) -> WebhookEvent | None:
    """Record an event for every enabled endpoint of ``store`` that subscribes to ``type``,
    in the caller's transaction, and queue its deliveries after commit.

    ``data`` is the event's ``data`` object (a dict, in the REST API's representation), or
    a callable returning it: it is then built only when some endpoint wants the event.
    Returns the event, or None when no endpoint subscribes (nothing is stored then).
    """
    if type not in WebhookEventType.values:
        raise ValueError(f"Unknown webhook event type {type!r}")
    store_id = store.pk if isinstance(store, Store) else store
    endpoints = [
        e for e in WebhookEndpoint.objects.filter(store_id=store_id, enabled=True) if e.wants(type)
    ]
    if not endpoints:
        return None
    with transaction.atomic():
        now = timezone.now()
        event = WebhookEvent.objects.create(
            store_id=store_id,
            message_id=f"msg_{uuid.uuid4().hex}",
            type=type,
            payload={
                "type": type,
                "timestamp": now.isoformat().replace("+00:00", "Z"),
                "data": data() if callable(data) else data,
            },
        )
        deliveries = WebhookDelivery.objects.bulk_create(
            WebhookDelivery(store_id=store_id, event=event, endpoint=endpoint, next_attempt_at=now)
            for endpoint in endpoints
        )
        ids = [d.pk for d in deliveries]
        transaction.on_commit(lambda: queue_deliveries(ids))
    return event


def queue_deliveries(delivery_ids: list[int]) -> int:
    """Queue one delivery task per id; a broker that is down is logged, never raised (the
    rows are pending, the sweeper queues them again). Returns how many were queued. The
    outbox's hand-over fails fast, and not at all again in this process for a few seconds
    after a failure (``outbox.broker``)."""
    for queued, pk in enumerate(delivery_ids):
        try:
            error = broker.publish(DELIVER_TASK, (pk,))
        except Exception as exc:  # eager mode: the delivery ran here and raised
            error = repr(exc)
        if error:
            log.warning(
                "Could not queue webhook deliveries %s (%s); the sweeper will send them",
                delivery_ids[queued:],
                error,
            )
            return queued
    return len(delivery_ids)


# Delivery -------------------------------------------------------------------------------------


def retry_delay(attempts: int) -> timedelta:
    """Wait after the ``attempts``-th failure: 30 s doubling, at most 4 h (the defaults:
    15 attempts spread over about 24 h)."""
    seconds = settings.WEBHOOKS_RETRY_BASE_SECONDS * 2 ** (attempts - 1)
    return timedelta(seconds=min(seconds, settings.WEBHOOKS_RETRY_MAX_SECONDS))


def webhook_delivery_attempt(*, delivery_id: int, now: datetime | None = None) -> str:
    """Send a pending, due delivery once and log the attempt. Safe to call any number of
    times, from any number of workers: returns what happened (``succeeded``, ``retrying``,
    ``gave_up``, ``busy``, ``not_pending``, ``not_due``, ``endpoint_disabled``)."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event", "endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return "busy"  # another worker is sending it (or it was deleted)
        if delivery.state != DeliveryState.PENDING:
            return "not_pending"
        now = now or timezone.now()
        if delivery.next_attempt_at and delivery.next_attempt_at > now:
            return "not_due"
        endpoint = delivery.endpoint
        if not endpoint.enabled:
            return "endpoint_disabled"
        result = send(
            url=endpoint.url,
            secret=endpoint.secret,
            message_id=delivery.event.message_id,
            payload=delivery.event.payload,
        )
        now = timezone.now()
        delivery.attempts += 1
        WebhookAttempt.objects.create(
            store_id=delivery.store_id,
            delivery=delivery,
            number=delivery.attempts,
            outcome=(
                AttemptOutcome.SUCCEEDED
                if result.ok
                else AttemptOutcome.REFUSED
                if result.refused
                else AttemptOutcome.FAILED
            ),
            status_code=result.status_code,
            error=result.error,
            response_excerpt=result.excerpt,
            duration_ms=result.duration_ms,
        )
        delivery.last_status_code = result.status_code
        delivery.last_error = result.error
        if result.ok:
            delivery.state = DeliveryState.SUCCEEDED
            delivery.delivered_at = now
            delivery.next_attempt_at = None
            outcome = "succeeded"
            if endpoint.consecutive_failures:
                WebhookEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=0)
        else:
            log.info(
                "Webhook delivery %s attempt %s failed: %s",
                delivery.pk,
                delivery.attempts,
                result.error,
            )
            WebhookEndpoint.objects.filter(pk=endpoint.pk).update(
                consecutive_failures=F("consecutive_failures") + 1
            )
            if delivery.attempts >= settings.WEBHOOKS_MAX_ATTEMPTS:
                delivery.state = DeliveryState.FAILED
                delivery.next_attempt_at = None
                outcome = "gave_up"
                _disable_endpoint(endpoint, delivery, now)
            else:
                delivery.next_attempt_at = now + retry_delay(delivery.attempts)
                outcome = "retrying"
        delivery.save(
            update_fields=[
                "state",
                "attempts",
                "next_attempt_at",
                "last_status_code",
                "last_error",
                "delivered_at",
                "updated_at",
            ]
        )
        return outcome


def _disable_endpoint(endpoint: WebhookEndpoint, delivery: WebhookDelivery, now: datetime) -> None:
    reason = (
        f"{settings.WEBHOOKS_MAX_ATTEMPTS} attempts of event {delivery.event.message_id} "
        f"failed; last: {delivery.last_error}"
    )[:255]
    disabled = WebhookEndpoint.objects.filter(pk=endpoint.pk, enabled=True).update(
        enabled=False, disabled_at=now, disabled_reason=reason, updated_at=now
    )
    if disabled:
        log.warning("Webhook endpoint %s disabled: %s", endpoint.pk, reason)
        owners = list(
            StaffMembership.objects.filter(store_id=endpoint.store_id, role=Role.OWNER)
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
        if owners:
            transaction.on_commit(lambda: _email_owners(endpoint, reason, owners))


def _email_owners(endpoint: WebhookEndpoint, reason: str, owners: list[str]) -> None:
    try:
        send_mail(
            subject=f"Webhook endpoint disabled: {endpoint.url}",
            message=(
                f"The portal stopped sending webhooks to {endpoint.url} because {reason}.\n\n"
                "Fix the endpoint, then enable it again in the admin (Webhook endpoints); "
                "events that were still waiting are then sent, and the ones that gave up "
                "can be replayed from Webhook deliveries."
            ),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=owners,
        )
    except Exception:  # the endpoint is disabled either way; the admin shows it
        log.exception("Could not email the owners about webhook endpoint %s", endpoint.pk)


@transaction.atomic
def webhook_delivery_replay(
    *, delivery: WebhookDelivery, actor: User | None = None
) -> WebhookDelivery:
    """Send a delivery again, whatever its state, as a new cycle of attempts (same event,
    same ``webhook-id``); logged with who asked. Refused while its endpoint is disabled."""
    delivery = (
        WebhookDelivery.objects.select_for_update(of=("self",))
        .select_related("endpoint")
        .get(pk=delivery.pk)
    )
    if not delivery.endpoint.enabled:
        raise WebhookError(
            f"The endpoint {delivery.endpoint.url} is disabled: enable it before replaying."
        )
    now = timezone.now()
    delivery.state = DeliveryState.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = now
    delivery.save(update_fields=["state", "attempts", "next_attempt_at", "updated_at"])
    WebhookAttempt.objects.create(
        store_id=delivery.store_id,
        delivery=delivery,
        number=0,
        outcome=AttemptOutcome.REPLAY_REQUESTED,
        actor=actor,
    )
    transaction.on_commit(lambda: queue_deliveries([delivery.pk]))
    return delivery


def webhook_deliveries_sweep(*, now: datetime | None = None) -> int:
    """Queue every pending delivery that is due (a retry whose wait is over, or a first
    attempt whose task was lost with the broker); returns how many were queued."""
    now = now or timezone.now()
    ids = due_delivery_ids(
        before=now - timedelta(seconds=settings.WEBHOOKS_SWEEP_GRACE_SECONDS),
        limit=settings.WEBHOOKS_SWEEP_BATCH,
    )
    return queue_deliveries(ids)
