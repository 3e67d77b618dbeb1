"""The side effects of the orders services: the only place that queues Celery tasks.

A service's effects are queued with ``transaction.on_commit``: a task never sees a row that
was rolled back, nor runs before the row it loads is committed. Outside a transaction
``on_commit`` runs at once.

Tasks are found by name in the Celery app's registry rather than imported: ``orders.tasks``
imports the services, so importing it here would make the circle services -> effects ->
tasks -> services. ``OrdersConfig.ready`` imports ``orders.tasks`` so every process (web,
worker, tests) has the tasks registered; under ``CELERY_TASK_ALWAYS_EAGER`` ``delay`` runs
the task in place, with a broker it sends it to the worker.
"""

from celery import current_app
from django.db import transaction

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
# Tasks of the apps above orders, queued by name too (orders never imports them): the
# notifications app sends an order's status to the shopper's Alexa devices.
NOTIFY_ORDER_STATUS = "notifications.tasks.send_order_status"
OTHER_APP_TASK_NAMES = [NOTIFY_ORDER_STATUS]


def _queue(task_name: str, *args) -> None:
    current_app.tasks[task_name].delay(*args)


def _queue_after_commit(task_name: str, *args) -> None:
    transaction.on_commit(lambda: _queue(task_name, *args))


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


def notify_order_status(*, order_id: int, status: str) -> None:
    """Tell the shopper on Alexa that the order shipped, is out for delivery or was
    delivered (``status`` is the ``OrderEventType``); the task decides whether the store and
    the shopper have notifications on, and sends once per order and status."""
    _queue_after_commit(NOTIFY_ORDER_STATUS, order_id, status)


# Fan-out of the beat jobs --------------------------------------------------------------------
#
# A beat job reads ids outside any transaction and queues one task per id: there is no
# commit to wait for, so these queue at once (as ``on_commit`` would outside a transaction,
# but also when a test calls the job inside its own transaction).


def settle_refunds_now(transaction_ids: list[int]) -> None:
    for pk in transaction_ids:
        _queue(SETTLE_REFUND, pk)


def renew_refill_plans_now(plan_ids: list[int]) -> None:
    for pk in plan_ids:
        _queue(RENEW_REFILL_PLAN, pk)
