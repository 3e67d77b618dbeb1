"""Writes the skill makes to its own tables: the conversation step and the interaction log.

Orders, carts, customers and payments are written only through ``orders.services``.
"""

import logging

from django.db import DatabaseError, IntegrityError, connection, transaction

from .models import Conversation, Interaction

logger = logging.getLogger(__name__)

CONVERSATION_FIELDS = ["step", "product", "quantity", "order", "token", "visits", "updated_at"]


def conversation_for(*, customer) -> Conversation:
    """The customer's conversation, loaded with the customer or a new unsaved one."""
    try:
        return customer.skill_conversation
    except Conversation.DoesNotExist:
        return Conversation(store_id=customer.store_id, customer=customer)


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
    store,
    customer,
    request_type: str,
    intent: str,
    slots: dict,
    session_id: str,
    locale: str,
    source: str,
    latency_ms: int,
    outcome: str,
    error_code: str = "",
) -> Interaction | None:
    """End of a turn: save the conversation step (when it changed) and log the interaction,
    in one short transaction.

    On PostgreSQL that transaction commits with ``synchronous_commit = off``: a crash may lose
    the last few turns' log rows and steps (the shopper is asked again), never an order or a
    payment, which ``orders.services`` commit in their own, fully durable, transactions. This
    keeps the WAL flush off the latency of every turn. A failure here never fails the turn.
    """
    try:
        with transaction.atomic(savepoint=False):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit TO OFF")
            if conversation is not None:
                conversation_save(conversation=conversation)
            return Interaction.objects.create(
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
            )
    except DatabaseError:
        logger.exception("could not record a skill turn for store %s", store.pk)
        return None
