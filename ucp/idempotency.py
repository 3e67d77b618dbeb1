"""``Idempotency-Key`` (checkout-rest.md, HTTP Headers): the reply to a state-changing request
that carried a key is kept with the request's fingerprint; the same key with the same request
gets the identical reply, with another request 409. Kept for ``UCP_IDEMPOTENCY_KEEP_HOURS``
(at least the spec's 24 hours). A reply is stored in the transaction of the change it
reports, so a change and its stored reply commit together or not at all.
"""

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from merchant.models import Store

from .models import IdempotencyRecord
from .protocol import UcpError, error_body

MAX_KEY_LENGTH = 200


@dataclass(frozen=True)
class Reply:
    status: int
    body: str


def fingerprint(*, method: str, path: str, raw_body: bytes) -> str:
    try:
        canonical = json.dumps(json.loads(raw_body), sort_keys=True, separators=(",", ":"))
        content = canonical.encode()
    except (ValueError, UnicodeDecodeError):
        content = raw_body
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + content).hexdigest()


def check_key(key: str) -> str:
    key = key.strip()
    if len(key) > MAX_KEY_LENGTH:
        raise UcpError(400, "invalid_idempotency_key", "Idempotency-Key is too long.")
    return key


def scoped_key(*, profile_url: str, key: str) -> str:
    """The key as stored: each platform's keys are its own (another platform reusing a key
    neither replays nor blocks this one's)."""
    return hashlib.sha256(profile_url.encode()).hexdigest()[:16] + ":" + key


def _fresh(store: Store, key: str) -> IdempotencyRecord | None:
    since = timezone.now() - timedelta(hours=settings.UCP_IDEMPOTENCY_KEEP_HOURS)
    return IdempotencyRecord.objects.filter(store=store, key=key, created_at__gte=since).first()


def stored_reply(*, store: Store, key: str, request_hash: str) -> Reply | None:
    """The reply kept for ``key``; 409 when the key came with another request."""
    record = _fresh(store, key)
    if record is None:
        return None
    if record.request_hash != request_hash:
        raise UcpError(
            409,
            "idempotency_conflict",
            "This Idempotency-Key was used with a different request.",
        )
    return Reply(record.status_code, record.body)


def remember(*, store: Store, key: str, request_hash: str, reply: Reply) -> Reply:
    """Keep the reply in the caller's transaction: when a request with the same key won the
    race, this raises ``IntegrityError`` and the caller's change rolls back (the caller
    answers the winner's reply instead)."""
    IdempotencyRecord.objects.filter(
        store=store,
        key=key,
        created_at__lt=timezone.now() - timedelta(hours=settings.UCP_IDEMPOTENCY_KEEP_HOURS),
    ).delete()
    IdempotencyRecord.objects.create(
        store=store, key=key, request_hash=request_hash, status_code=reply.status, body=reply.body
    )
    return reply


def once(
    *,
    store: Store,
    key: str,
    request_hash: str,
    operation: Callable[[], tuple[int, dict[str, Any]]],
) -> Reply:
    """The operation run once under ``key`` (already scoped): the stored reply when the key
    came before with this request, otherwise the operation's reply, kept in the transaction of
    its change. A refusal (``UcpError``) undoes the operation's writes and is kept as its
    error response, except a challenge (an error with headers, 401), raised as is."""
    replay = stored_reply(store=store, key=key, request_hash=request_hash)
    if replay is not None:
        return replay
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():  # a refusal undoes the operation's writes only
                    status, body = operation()
            except UcpError as exc:
                if exc.headers:  # a challenge (401): answered as is, not remembered
                    raise
                status, body = exc.status, error_body(exc)
            text = json.dumps(body, separators=(",", ":"))
            remember(store=store, key=key, request_hash=request_hash, reply=Reply(status, text))
    except IntegrityError:
        replay = stored_reply(store=store, key=key, request_hash=request_hash)
        if replay is None:
            raise
        return replay
    return Reply(status, text)
