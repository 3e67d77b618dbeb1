"""Reads for the support console. Every query is scoped by the stores the staff member may
work on; an order of another store is simply not found (404), also by URL."""

from django.db.models import QuerySet
from django.db.models.functions import Upper
from django.http import Http404

from merchant.models import Area, Store
from merchant.selectors import stores_for_user

from .models import Customer, Order, OrderStatus, RefundRequest, RefundRequestStatus

PAGE_SIZE = 50
COUNT_CAP = 10_000  # "10,000+" rather than a COUNT(*) over a million rows
SEARCH_CUSTOMERS_CAP = 500
# A trigram index needs three characters to narrow a part-of-name search.
NAME_PART_MIN = 3


def staff_store_ids(*, user, area: str = Area.ORDERS) -> list[int]:
    return list(stores_for_user(user=user, area=area).values_list("pk", flat=True))


def orders_for_staff(*, store_ids: list[int]) -> QuerySet[Order]:
    """Orders of the staff member's stores; carts still being filled by voice are not orders."""
    return Order.objects.filter(store_id__in=store_ids).exclude(status=OrderStatus.DRAFT)


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


def order_for_staff(*, user, pk: int, area: str = Area.ORDERS) -> Order:
    order = (
        Order.objects.select_related("store", "customer")
        .filter(pk=pk, store_id__in=staff_store_ids(user=user, area=area))
        .exclude(status=OrderStatus.DRAFT)
        .first()
    )
    if order is None:
        raise Http404("No such order.")
    return order


def customer_for_staff(*, user, pk: int) -> Customer:
    customer = (
        Customer.objects.select_related("store")
        .filter(pk=pk, store_id__in=staff_store_ids(user=user))
        .first()
    )
    if customer is None:
        raise Http404("No such customer.")
    return customer


def open_refund_requests(*, store_ids: list[int]) -> QuerySet[RefundRequest]:
    return (
        RefundRequest.objects.filter(store_id__in=store_ids, status=RefundRequestStatus.OPEN)
        .select_related("customer", "order", "store")
        .order_by("created_at")
    )


def stores_by_id(store_ids: list[int]) -> QuerySet[Store]:
    return Store.objects.filter(pk__in=store_ids).order_by("name")
