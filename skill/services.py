"""Writes the skill makes to its own tables: the conversation step and the interaction log.

Orders, carts, customers and payments are written only through ``orders.services``.
"""

import json
import logging
from datetime import datetime
from typing import Any

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import Model
from django.utils import timezone

from merchant.models import Store
from orders.models import Customer

from .models import Conversation, Interaction, SkillEvent

logger = logging.getLogger(__name__)

CONVERSATION_FIELDS = ["step", "product", "quantity", "order", "token", "visits", "updated_at"]


def conversation_for(*, customer: Customer) -> Conversation:
    """The customer's conversation, loaded with the customer or a new unsaved one."""
    try:
        return customer.skill_conversation
    except Conversation.DoesNotExist:
        return Conversation(store_id=customer.store_id, customer=customer)


def customer_merged_move(*, into: Customer, other: Customer) -> None:
    """``orders.customer_merge`` made ``other`` (a voice-only shopper) part of ``into`` (their
    linked web account's customer): the interaction log and skill events move with the
    orders, and so does the conversation when ``into`` has none yet (the step a shopper was
    at survives linking). Runs in the merge's transaction."""
    store_id = into.store_id
    Interaction.objects.filter(store_id=store_id, customer=other).update(customer=into)
    SkillEvent.objects.filter(store_id=store_id, customer=other).update(customer=into)
    if not Conversation.objects.filter(customer=into).exists():
        Conversation.objects.filter(store_id=store_id, customer=other).update(customer=into)


def interactions_erase_words(*, customer: Customer) -> int:
    """``orders.signals.customer_erased`` (in the erasure's transaction): the shopper's words
    (slot values) and the skill's replies, which may repeat them, leave the customer's log
    rows; the intents, outcomes and times stay for the store's figures."""
    return Interaction.objects.filter(store_id=customer.store_id, customer=customer).update(
        slots={}, reply=""
    )


def conversation_save(*, conversation: Conversation) -> Conversation:
    """Persist the step (one UPDATE, or one INSERT the first time)."""
    if conversation.pk is None:
        try:
            with transaction.atomic():
                conversation.save(force_insert=True)
        except IntegrityError:  # a parallel first request of the same shopper
            existing = Conversation.objects.get(customer=conversation.customer)
            conversation.pk = existing.pk
            conversation.save(update_fields=CONVERSATION_FIELDS)
    else:
        conversation.save(update_fields=CONVERSATION_FIELDS)
    return conversation


def turn_record(
    *,
    conversation: Conversation | None,
    store: Store,
    customer: Customer | None,
    request_type: str,
    intent: str,
    slots: dict[str, str],
    session_id: str,
    locale: str,
    source: str,
    latency_ms: int,
    outcome: str,
    error_code: str = "",
    reply: str = "",
    directives: list[str] | None = None,
    order_id: int | None = None,
) -> Interaction | None:
    """End of a turn: save the conversation step (when it changed) and log the interaction,
    in one short transaction.

    On PostgreSQL that transaction commits with ``synchronous_commit = off``: a crash may lose
    the last few turns' log rows and steps (the shopper is asked again), never an order or a
    payment, which ``orders.services`` commit in their own, fully durable, transactions. This
    keeps the WAL flush off the latency of every turn. A failure here never fails the turn.
    """
    row = Interaction(
        store=store,
        customer=customer if customer is not None and customer.pk else None,
        request_type=request_type[:60],
        intent=intent[:100],
        slots=slots,
        session_id=session_id[:200],
        locale=locale[:5],
        source=source[:20],
        latency_ms=max(0, latency_ms),
        outcome=outcome[:60],
        error_code=error_code[:60],
        reply=reply,
        directives=list(directives or []),
        order_id=order_id,
    )
    if connection.vendor == "postgresql" and (conversation is None or conversation.pk is not None):
        return _turn_record_one_round_trip(conversation=conversation, row=row)
    try:
        with transaction.atomic(savepoint=False):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            if conversation is not None:
                conversation_save(conversation=conversation)
            row.save(force_insert=True)
            return row
    except DatabaseError:
        logger.exception("could not record a skill turn for store %s", store.pk)
        return None


def _statement(model: type[Model], columns: list[str], *, update: bool) -> str:
    table = model._meta.db_table
    # Concrete fields: a reverse relation (which has no column) is never named.
    fields = [model._meta.get_field(c) for c in columns]
    if update:
        assignments = ", ".join(f'"{f.column}" = %s' for f in fields)  # type: ignore[union-attr]
        return f'UPDATE {table} SET {assignments} WHERE "id" = %s'
    names = ", ".join(f'"{f.column}"' for f in fields)  # type: ignore[union-attr]
    return f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"


_INTERACTION_FIELDS = [
    "store",
    "customer",
    "request_type",
    "intent",
    "slots",
    "session_id",
    "locale",
    "source",
    "latency_ms",
    "outcome",
    "error_code",
    "reply",
    "directives",
    "order",
    "created_at",
]
_CONVERSATION_UPDATE = _statement(Conversation, CONVERSATION_FIELDS, update=True)
_INTERACTION_INSERT = _statement(Interaction, _INTERACTION_FIELDS, update=False)


def _turn_record_one_round_trip(
    *, conversation: Conversation | None, row: Interaction
) -> Interaction | None:
    """The same writes as the ORM path in one round trip to PostgreSQL: BEGIN, the
    asynchronous commit, the step's UPDATE, the log's INSERT and COMMIT sent as one
    multi-statement query (the ORM would send five: BEGIN, SET LOCAL, UPDATE, INSERT,
    COMMIT). Inside a caller's transaction (the voice console, tests) only the UPDATE and
    the INSERT are sent, together, and the caller's commit decides (and keeps its own
    durability)."""
    own_transaction = not connection.in_atomic_block
    now = timezone.now()
    row.created_at = now
    statements = ["BEGIN", "SET LOCAL synchronous_commit TO OFF"] if own_transaction else []
    params: list[Any] = []
    if conversation is not None:
        conversation.updated_at = now
        statements.append(_CONVERSATION_UPDATE)
        params += [
            conversation.step,
            conversation.product_id,
            conversation.quantity,
            conversation.order_id,
            conversation.token,
            conversation.visits,
            now,
            conversation.pk,
        ]
    statements.append(_INTERACTION_INSERT)
    if own_transaction:
        statements.append("COMMIT")
    params += [
        row.store_id,
        row.customer_id,
        row.request_type,
        row.intent,
        json.dumps(row.slots),
        row.session_id,
        row.locale,
        row.source,
        row.latency_ms,
        row.outcome,
        row.error_code,
        row.reply,
        json.dumps(row.directives),
        row.order_id,
        now,
    ]
    try:
        if own_transaction:
            with connection.cursor() as cursor:
                try:
                    cursor.execute("; ".join(statements), params)
                except DatabaseError:
                    # An error inside the explicit block leaves it open and failed: end it.
                    if connection.is_usable():
                        cursor.execute("ROLLBACK")
                    raise
        else:
            with transaction.atomic(savepoint=False), connection.cursor() as cursor:
                cursor.execute("; ".join(statements), params)
    except DatabaseError:
        logger.exception("could not record a skill turn for store %s", row.store_id)
        return None
    return row


def skill_event_record(
    *,
    store: Store,
    customer: Customer | None,
    type: str,
    request_id: str,
    body: dict[str, Any],
    event_created_at: datetime | None = None,
) -> tuple[SkillEvent, bool]:
    """Keep a skill event once per request id (Alexa may deliver one twice): (row, new).
    ``body`` must already be without tokens."""
    try:
        with transaction.atomic():
            event = SkillEvent.objects.create(
                store=store,
                customer=customer if customer is not None and customer.pk else None,
                type=type[:60],
                request_id=request_id[:255],
                body=body,
                event_created_at=event_created_at,
            )
            return event, True
    except IntegrityError:
        return SkillEvent.objects.get(store=store, request_id=request_id[:255]), False
