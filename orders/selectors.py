"""Reads of the orders app.

Reads for staff are scoped by the stores the staff member may work on; an order of another
store is simply not found (404), also by URL. Reads of one order's ledger take an order
already found that way; the beat jobs' reads (due renewals, expiring authorizations,
pending refunds) span every store by design.
"""

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Upper
from django.http import Http404
from django.utils import timezone

from merchant.models import Area, Store
from merchant.selectors import stores_for_user

from .models import (
    ZERO,
    Customer,
    Order,
    OrderStatus,
    PaymentKind,
    PaymentState,
    PaymentStatus,
    PaymentTransaction,
    RefillPlan,
    RefillPlanStatus,
    RefundRequest,
    RefundRequestStatus,
)

PAGE_SIZE = 50
COUNT_CAP = 10_000  # "10,000+" rather than a COUNT(*) over a million rows
SEARCH_CUSTOMERS_CAP = 500
# A trigram index needs three characters to narrow a part-of-name search.
NAME_PART_MIN = 3


def staff_store_ids(*, user: User | AnonymousUser, area: str = Area.ORDERS) -> list[int]:
    return list(stores_for_user(user=user, area=area).values_list("pk", flat=True))


# Checkouts that never became an order: the cart being filled, or one left behind.
CART_STATUSES = (OrderStatus.DRAFT, OrderStatus.ABANDONED)


def orders_for_staff(*, store_ids: list[int], include_carts: bool = False) -> QuerySet[Order]:
    """Orders of the staff member's stores. Carts still being filled by voice are not orders
    and are left out unless ``include_carts`` (support helping a shopper whose checkout
    failed)."""
    orders = Order.objects.filter(store_id__in=store_ids)
    return orders if include_carts else orders.exclude(status=OrderStatus.DRAFT)


def order_ids_by_number(*, store_ids: list[int], number: str) -> list[int]:
    """The ids of the orders (and carts) numbered ``number`` in the staff member's stores, at
    most two: enough to tell one order from a number that several stores share (numbers are
    unique within a store only)."""
    orders = orders_for_staff(store_ids=store_ids, include_carts=True).filter(number=number)
    return list(orders.order_by("pk").values_list("pk", flat=True)[:2])


def _declined_authorizations() -> QuerySet[PaymentTransaction]:
    return PaymentTransaction.objects.filter(
        order=OuterRef("pk"), kind=PaymentKind.AUTHORIZATION, state=PaymentState.DECLINED
    )


def with_decline_reason(qs: QuerySet[Order]) -> QuerySet[Order]:
    """Each order with the reason code of its latest declined payment as ``decline_reason``
    ("" when none was declined or it came without one) and ``payment_declined``: whether a
    payment of it was declined (the label ``payment_label`` shows reads it)."""
    return qs.annotate(
        decline_reason=Coalesce(
            Subquery(_declined_authorizations().order_by("-pk").values("reason_code")[:1]),
            Value(""),
        ),
        payment_declined=Exists(_declined_authorizations()),
    )


def checkouts_not_completed(qs: QuerySet[Order], *, declined: bool = False) -> QuerySet[Order]:
    """Carts, in progress or abandoned; ``declined``: only those whose payment was declined."""
    carts = qs.filter(status__in=CART_STATUSES)
    return carts.filter(Exists(_declined_authorizations())) if declined else carts


def declined_payment_q() -> Q:
    """Orders whose payment was declined: by payment status, or a cart whose authorization
    was declined (the cart stays open and its payment status pending, so the shopper can
    try again)."""
    return Q(payment_status=PaymentStatus.DECLINED) | Q(
        Exists(_declined_authorizations()), status__in=CART_STATUSES
    )


def order_search(qs: QuerySet[Order], *, store_ids: list[int], term: str) -> QuerySet[Order]:
    """Order number (exact), email (exact, any case) or customer name (any case): a part of
    the name from three characters ("smith" finds "John Smith"), the start of it below.

    Each branch hits an index (on PostgreSQL a trigram index serves the part-of-name search,
    a B-tree the short prefix); names are resolved to at most 500 customers first so the
    order query stays an indexed ``customer_id IN (...)``.
    """
    term = " ".join(term.split())
    if not term:
        return qs
    if term.isdigit():
        return qs.filter(number=term)
    if "@" in term:
        return qs.annotate(email_upper=Upper("email")).filter(email_upper=term.upper())
    customers = Customer.objects.filter(store_id__in=store_ids)
    if len(term) >= NAME_PART_MIN:
        customers = customers.filter(name__icontains=term)
    else:
        customers = customers.annotate(name_upper=Upper("name")).filter(
            name_upper__startswith=term.upper()
        )
    customer_ids = list(customers.values_list("pk", flat=True)[:SEARCH_CUSTOMERS_CAP])
    return qs.filter(customer_id__in=customer_ids)


def order_for_staff(
    *, user: User | AnonymousUser, pk: int, area: str = Area.ORDERS, include_carts: bool = False
) -> Order:
    orders = with_decline_reason(Order.objects.select_related("store", "customer")).filter(
        pk=pk, store_id__in=staff_store_ids(user=user, area=area)
    )
    if not include_carts:
        orders = orders.exclude(status=OrderStatus.DRAFT)
    order = orders.first()
    if order is None:
        raise Http404("No such order.")
    return order


def customer_for_staff(*, user: User | AnonymousUser, pk: int) -> Customer:
    customer = (
        Customer.objects.select_related("store")
        .filter(pk=pk, store_id__in=staff_store_ids(user=user))
        .first()
    )
    if customer is None:
        raise Http404("No such customer.")
    return customer


def customer_orders_placed_since(
    *, store_id: int, alexa_user_id: str, since: datetime
) -> list[Order]:
    """Orders one shopper placed from ``since`` on (the voice console links the order a turn
    placed)."""
    return list(
        Order.objects.filter(
            store_id=store_id, customer__alexa_user_id=alexa_user_id, placed_at__gte=since
        ).order_by("pk")
    )


def last_declined_payment(order: Order) -> PaymentTransaction | None:
    return (
        order.transactions.filter(kind=PaymentKind.AUTHORIZATION, state=PaymentState.DECLINED)
        .order_by("-pk")
        .first()
    )


def open_refund_requests(*, store_ids: list[int]) -> QuerySet[RefundRequest]:
    return (
        RefundRequest.objects.filter(store_id__in=store_ids, status=RefundRequestStatus.OPEN)
        .select_related("customer", "order", "store")
        .order_by("created_at")
    )


def stores_by_id(store_ids: list[int]) -> QuerySet[Store]:
    return Store.objects.filter(pk__in=store_ids).order_by("name")


# One order's ledger -------------------------------------------------------------------------


def order_refund_by_reference(*, order: Order, reference_id: str) -> PaymentTransaction | None:
    """The refund this order already has under ``reference_id`` (a form's idempotency key)."""
    if not reference_id:
        return None
    return PaymentTransaction.objects.filter(
        order=order, kind=PaymentKind.REFUND, reference_id=reference_id
    ).first()


def order_authorization_transaction(order: Order) -> PaymentTransaction | None:
    """The order's latest successful authorization."""
    return (
        order.transactions.filter(kind=PaymentKind.AUTHORIZATION, state=PaymentState.SUCCEEDED)
        .order_by("-pk")
        .first()
    )


def order_capture_transaction(order: Order) -> PaymentTransaction | None:
    """The money taken: the capture (Amazon Pay) or the collection (pay on delivery)."""
    return (
        order.transactions.filter(
            kind__in=[PaymentKind.CAPTURE, PaymentKind.COLLECTION], state=PaymentState.SUCCEEDED
        )
        .order_by("pk")
        .first()
    )


def derive_payment_status(order: Order) -> str:
    """Payment status from the running totals and the ledger (never set by hand)."""
    if order.captured_amount > 0:
        if order.charged_back_amount > 0:
            return PaymentStatus.CHARGED_BACK
        if order.refunded_amount >= order.captured_amount:
            return PaymentStatus.REFUNDED
        if order.refunded_amount > 0:
            return PaymentStatus.PARTIALLY_REFUNDED
        return PaymentStatus.CAPTURED
    kinds = dict(
        order.transactions.filter(
            Q(state=PaymentState.SUCCEEDED) | Q(kind=PaymentKind.AUTHORIZATION)
        ).values_list("kind", "state")
    )
    if kinds.get(PaymentKind.VOID) == PaymentState.SUCCEEDED:
        return PaymentStatus.VOIDED
    if order.authorized_amount > 0:
        return PaymentStatus.AUTHORIZED
    if kinds.get(PaymentKind.AUTHORIZATION) == PaymentState.DECLINED:
        return PaymentStatus.DECLINED
    return PaymentStatus.PENDING


def ledger_totals(order: Order) -> dict[str, Decimal]:
    """The running totals recomputed from the ledger; tests compare them to the order."""
    totals = {
        "authorized": ZERO,
        "captured": ZERO,
        "refunded": ZERO,
        "refund_pending": ZERO,
        "charged_back": ZERO,
    }
    for txn in order.transactions.all():
        if txn.kind == PaymentKind.AUTHORIZATION and txn.state == PaymentState.SUCCEEDED:
            totals["authorized"] += txn.amount
        elif txn.kind in (PaymentKind.CAPTURE, PaymentKind.COLLECTION):
            if txn.state == PaymentState.SUCCEEDED:
                totals["captured"] += txn.amount
        elif txn.kind == PaymentKind.REFUND:
            if txn.state == PaymentState.SUCCEEDED:
                totals["refunded"] += txn.amount
            elif txn.state == PaymentState.PENDING:
                totals["refund_pending"] += txn.amount
        elif txn.kind == PaymentKind.CHARGEBACK and txn.state == PaymentState.SUCCEEDED:
            totals["charged_back"] += txn.amount
        elif txn.kind == PaymentKind.CHARGEBACK_REVERSAL and txn.state == PaymentState.SUCCEEDED:
            totals["charged_back"] -= txn.amount
    return totals


def order_chargeback_transaction(*, order: Order, reference_id: str) -> PaymentTransaction | None:
    """The chargeback (dispute funds withdrawn) this order has under ``reference_id``."""
    return PaymentTransaction.objects.filter(
        order=order, kind=PaymentKind.CHARGEBACK, reference_id=reference_id
    ).first()


# The beat jobs' work lists --------------------------------------------------------------------
#
# Amazon authorizations last 30 days. From ORDERS_AUTHORIZATION_WARNING before the end the
# order's timeline says so (once); from ORDERS_AUTHORIZATION_ACTION before the end the beat
# job captures or releases it as the store chose (store.authorization_expiry_action).


def authorizations_expiring(*, now: datetime | None = None) -> tuple[list[int], list[int]]:
    """Order ids with an open authorization: (to warn about, to capture or release now)."""
    now = now or timezone.now()
    warn, act = settings.ORDERS_AUTHORIZATION_WARNING, settings.ORDERS_AUTHORIZATION_ACTION
    open_auths = PaymentTransaction.objects.filter(
        kind=PaymentKind.AUTHORIZATION,
        state=PaymentState.SUCCEEDED,
        order__payment_status=PaymentStatus.AUTHORIZED,
        order__captured_amount=0,
        expires_at__lte=now + warn,
    ).exclude(order__status__in=[OrderStatus.CANCELLED, OrderStatus.DRAFT])
    rows = list(open_auths.values_list("order_id", "expires_at").order_by("expires_at"))
    act_now = [oid for oid, expires in rows if expires is not None and expires <= now + act]
    return [oid for oid, _ in rows if oid not in act_now], act_now


def refill_plan_due_ids(*, now: datetime | None = None) -> list[int]:
    now = now or timezone.now()
    return list(
        RefillPlan.objects.filter(status=RefillPlanStatus.ACTIVE, next_run_at__lte=now)
        .order_by("next_run_at")
        .values_list("pk", flat=True)
    )


def pending_refund_ids(*, limit: int = 1000) -> list[int]:
    """Refunds still waiting for the gateway's answer (the sweeper settles them)."""
    return list(
        PaymentTransaction.objects.filter(
            kind=PaymentKind.REFUND, state=PaymentState.PENDING
        ).values_list("pk", flat=True)[:limit]
    )
