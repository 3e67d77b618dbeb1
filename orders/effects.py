"""The side effects of the orders services: the only place that queues Celery tasks.

A service records each effect in the outbox, in its own transaction (``outbox``): the task
is handed to the broker after the commit, never for a change that rolled back, and a broker
that is down never turns the committed change into an error; the outbox's sweeper sends the
task once the broker is back. Tasks are safe to run twice.

Tasks are named rather than imported: ``orders.tasks`` imports the services, so importing it
here would make the circle services -> effects -> tasks -> services. ``OrdersConfig.ready``
imports ``orders.tasks`` so every process (web, worker, tests) has the tasks registered.
Other apps hear of an order's status changes through ``orders.signals`` and record their own
effects: orders names no task but its own.
"""

from outbox import broker
from outbox.services import outbox_message_add

SEND_ORDER_EMAIL = "orders.tasks.send_order_email"
CAPTURE_ORDER_PAYMENT = "orders.tasks.capture_order_payment"
SETTLE_REFUND = "orders.tasks.settle_refund"
RENEW_REFILL_PLAN = "orders.tasks.renew_refill_plan"
REPORT_RENEWAL_FAILURE = "orders.tasks.report_renewal_failure"
TASK_NAMES = [
    SEND_ORDER_EMAIL,
    CAPTURE_ORDER_PAYMENT,
    SETTLE_REFUND,
    RENEW_REFILL_PLAN,
    REPORT_RENEWAL_FAILURE,
]


def _queue_after_commit(task_name: str, *args) -> None:
    outbox_message_add(task=task_name, args=args)


# After a service's commit ------------------------------------------------------------------


def send_order_email(*, order_id: int, kind: str, key: str = "") -> None:
    """One of ``orders.emails.KINDS``; ``key`` makes it once per refund."""
    _queue_after_commit(SEND_ORDER_EMAIL, order_id, kind, key)


def capture_order_payment(*, order_id: int) -> None:
    """Charge Later: capture the authorization of an order that shipped."""
    _queue_after_commit(CAPTURE_ORDER_PAYMENT, order_id)


def settle_refund(*, transaction_id: int) -> None:
    """Poll the gateway until a pending refund completes or is declined."""
    _queue_after_commit(SETTLE_REFUND, transaction_id)


def report_renewal_failure(*, renewal_id: int) -> None:
    """Email the merchant that a refill plan could not be charged and was paused."""
    _queue_after_commit(REPORT_RENEWAL_FAILURE, renewal_id)


# Fan-out of the beat jobs --------------------------------------------------------------------
#
# A beat job reads ids outside any transaction and queues one task per id: there is no
# commit to wait for and nothing to keep (the next run of the job finds the same ids again
# while their work is undone), so these go to the broker at once, stopping at a failure.


def settle_refunds_now(transaction_ids: list[int]) -> None:
    _queue_now(SETTLE_REFUND, transaction_ids)


def renew_refill_plans_now(plan_ids: list[int]) -> None:
    _queue_now(RENEW_REFILL_PLAN, plan_ids)


def _queue_now(task_name: str, ids: list[int]) -> None:
    for pk in ids:
        error = broker.publish(task_name, (pk,))
        if error:
            return  # logged; the next run of the job queues the rest
