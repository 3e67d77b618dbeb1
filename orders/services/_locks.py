"""Row locks and saves shared by the services.

Lock order, always: the order row, then its lines (pk order), then products (pk order),
then ledger rows. Every service follows it, so two services never deadlock. A refill plan
is locked before anything of its renewal.
"""

from django.db.models import Model

from ..models import Order, OrderLine, RefillPlan


def lock_order(order: Order) -> Order:
    """The order row, locked and fresh (also scoped by its store). The store the caller
    already holds stays on it, so pricing the order does not read the store again."""
    locked = Order.objects.select_for_update().get(pk=order.pk, store_id=order.store_id)
    if Order.store.is_cached(order):
        locked.store = order.store
    return locked


def lock_lines(order: Order) -> list[OrderLine]:
    return list(OrderLine.objects.select_for_update().filter(order_id=order.pk).order_by("pk"))


def lock_plan(plan: RefillPlan) -> RefillPlan:
    return RefillPlan.objects.select_for_update().get(pk=plan.pk, store_id=plan.store_id)


def save_fields(instance: Model, *fields: str) -> None:
    """Save only the changed fields (and ``updated_at``) of a locked row."""
    instance.save(update_fields=[*fields, "updated_at"])
