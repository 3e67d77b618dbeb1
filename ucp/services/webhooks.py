"""Order events for the platform that placed an order (order.md, Events): the full order
entity POSTed to the webhook URL of the platform's profile, with ``Webhook-Id`` and
``Webhook-Timestamp`` (Standard Webhooks) and signed per RFC 9421 (signatures.md).

The event is written in the transaction of the change (``OrderWebhook``) and handed over
through the outbox after the commit. Its id, timestamp and body are fixed then, so every
retry sends the same message: a failed attempt is retried with a growing delay until
``UCP_WEBHOOK_MAX_ATTEMPTS``; the sweeper picks up a retry whose task was lost. Each
attempt claims the row first (attempts n -> n + 1), so an event is never sent twice at once.
"""

import json
import secrets
import time
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from outbox.services import outbox_message_add

from ..models import CheckoutSession, OrderWebhook, WebhookState
from ..network import http_post
from ..presenters import order_json
from ..protocol import ORDER
from ..signing import sign_request

DELIVER_TASK = "ucp.tasks.deliver_order_webhook"
DELIVERED, RETRY, GAVE_UP, NOTHING = "delivered", "retry", "gave_up", "nothing"


def business_profile_url(session: CheckoutSession) -> str:
    return f"{session.base_url}/ucp/{session.store.slug}/.well-known/ucp"


def order_webhook_queue(*, session: CheckoutSession, event: str) -> OrderWebhook | None:
    """Record the order's current state as an event for the platform (in the caller's
    transaction) and send it after the commit; None when the platform gave no webhook."""
    if not session.webhook_url:
        return None
    body = json.dumps(
        order_json(session, capabilities=frozenset({ORDER})),
        separators=(",", ":"),
        ensure_ascii=False,
    )
    webhook = OrderWebhook.objects.create(
        store=session.store,
        session=session,
        event=event[:30],
        message_id="evt_" + secrets.token_urlsafe(18),
        timestamp=int(time.time()),
        url=session.webhook_url,
        body=body,
        next_attempt_at=timezone.now(),
    )
    outbox_message_add(task=DELIVER_TASK, args=[webhook.pk])
    return webhook


def retry_delay(attempts: int) -> int:
    base = settings.UCP_WEBHOOK_RETRY_BASE_SECONDS
    return int(min(base * 2 ** max(attempts - 1, 0), settings.UCP_WEBHOOK_RETRY_MAX_SECONDS))


def order_webhook_attempt(*, webhook_id: int) -> tuple[str, int]:
    """One attempt of a pending event: (outcome, seconds until the next attempt)."""
    webhook = (
        OrderWebhook.objects.select_related("session__store")
        .filter(pk=webhook_id, state=WebhookState.PENDING)
        .first()
    )
    if webhook is None:
        return NOTHING, 0
    now = timezone.now()
    claimed = OrderWebhook.objects.filter(
        pk=webhook.pk, state=WebhookState.PENDING, attempts=webhook.attempts
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + timedelta(minutes=5))
    if not claimed:
        return NOTHING, 0
    attempts = webhook.attempts + 1
    session = webhook.session
    body = webhook.body.encode()
    headers = {
        "content-type": "application/json",
        "webhook-id": webhook.message_id,
        "webhook-timestamp": str(webhook.timestamp),
        "ucp-agent": f'profile="{business_profile_url(session)}"',
        "user-agent": "VoiceStorePortal-UCP/1",
    }
    headers.update(
        sign_request(
            store=session.store, method="POST", url=webhook.url, body=body, headers=headers
        )
    )
    result = http_post(webhook.url, body=body, headers=headers)
    ok = result.status_code is not None and 200 <= result.status_code < 300
    fields = {
        "last_status_code": result.status_code,
        "last_error": "" if ok else (result.error or f"HTTP {result.status_code}")[:255],
    }
    if ok:
        OrderWebhook.objects.filter(pk=webhook.pk).update(
            state=WebhookState.DELIVERED,
            delivered_at=timezone.now(),
            next_attempt_at=None,
            **fields,
        )
        return DELIVERED, 0
    if attempts >= settings.UCP_WEBHOOK_MAX_ATTEMPTS:
        OrderWebhook.objects.filter(pk=webhook.pk).update(
            state=WebhookState.FAILED, next_attempt_at=None, **fields
        )
        return GAVE_UP, 0
    delay = retry_delay(attempts)
    OrderWebhook.objects.filter(pk=webhook.pk).update(
        next_attempt_at=timezone.now() + timedelta(seconds=delay), **fields
    )
    return RETRY, delay


def order_webhooks_due(*, limit: int = 500) -> list[int]:
    """Pending events whose next attempt is due (the sweeper queues them)."""
    return list(
        OrderWebhook.objects.filter(state=WebhookState.PENDING, next_attempt_at__lte=timezone.now())
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
