"""Reads the skill makes, every one scoped by store (and by customer where it is about one).

Each is a fixed number of queries whatever the size of the catalog or the order history;
``skill/tests/test_query_budget.py`` pins the counts of the hot turns.

What the skill offers at launch (which categories have something to sell) is read from a
per-process outline of the catalog kept ``ALEXA_STORE_CACHE_SECONDS``: a catalog edit clears
it in the process that made it and reaches every other worker within those seconds. What a
shopper owns, products, prices and stock at the moment of a pitch or an order are always read
fresh.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)

from catalog.models import Category, CategoryLocalization, Product, ProductLocalization
from isp.models import ContentCollection, InSkillProduct
from merchant.models import SkillId, Store
from orders.models import Customer, Order, OrderLine, OrderStatus, RefillPlan, RefillPlanStatus

from . import hand_sql
from .models import Conversation
from .process_cache import ProcessCache

# Orders the shopper has really made (not carts, not abandoned carts).
MADE = [OrderStatus.PLACED, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CANCELLED]
KEPT = [OrderStatus.PLACED, OrderStatus.SHIPPED, OrderStatus.DELIVERED]


def store_for_application_id(application_id: str) -> Store | None:
    """The store serving the skill id, with ``isp_enabled``: it has in-skill products or
    active content (so its skill offers premium content), read in the same query."""
    skill = (
        SkillId.objects.select_related("store")
        .annotate(
            isp_enabled=Exists(InSkillProduct.objects.filter(store=OuterRef("store_id")))
            | Exists(ContentCollection.objects.filter(store=OuterRef("store_id"), active=True))
        )
        .filter(skill_id=application_id)
        .first()
    )
    if skill is None:
        return None
    skill.store.isp_enabled = skill.isp_enabled  # type: ignore[attr-defined]  # premium.isp_store
    return skill.store


def shopper(*, store: Store, alexa_user_id: str) -> Customer | None:
    """The customer with their conversation and its order, in one query (unique per store:
    no ORDER BY needed)."""
    found = list(
        Customer.objects.select_related("skill_conversation", "skill_conversation__order").filter(
            store=store, alexa_user_id=alexa_user_id
        )[:1]
    )
    return found[0] if found else None


@dataclass
class ShopperRead:
    customer: Customer
    last_kept_lines: list[OrderLine]  # with their products, [] when asked for and none kept


def shopper_for_turn(
    *, store: Store, alexa_user_id: str, with_last_order: bool = False, locale: str = ""
) -> ShopperRead | None:
    """One round trip for what a turn needs: the customer, their conversation and its cart
    (as ``shopper``), and with ``with_last_order`` (a launch) the lines of their latest kept
    order with their products (as ``last_kept_order_lines``, in ``locale``'s texts).

    Hand-written because the ORM's statement compilation cost more than the database did on
    this hot path; ``skill/tests/test_shopper_read.py`` checks it returns exactly what the
    ORM versions do."""
    db = router.db_for_read(Customer)
    connection = connections[db]
    if connection.vendor != "postgresql":  # LATERAL: the ORM's queries elsewhere
        customer = shopper(store=store, alexa_user_id=alexa_user_id)
        if customer is None:
            return None
        lines = last_kept_order_lines(customer=customer, locale=locale) if with_last_order else []
        return ShopperRead(customer=customer, last_kept_lines=lines)
    sql, groups = hand_sql.shopper_statement(with_last_order, KEPT)
    with connection.cursor() as cursor:
        hand_sql.execute_shopper_read(
            connection, cursor, with_last_order, sql, [store.pk, alexa_user_id]
        )
        rows = cursor.fetchall()
    if not rows:
        return None
    first = rows[0]
    starts = []
    offset = 0
    for group in groups:
        starts.append(offset)
        offset += group.width
    customer = groups[0].build(first, starts[0], db, connection)
    assert customer is not None  # the row the statement selects from
    conversation = groups[1].build(first, starts[1], db, connection)
    Customer.skill_conversation.related.set_cached_value(customer, conversation)
    if conversation is not None:
        Conversation.customer.field.set_cached_value(conversation, customer)
        cart = groups[2].build(first, starts[2], db, connection)
        Conversation.order.field.set_cached_value(conversation, cart)
    lines = []
    if with_last_order:
        for row in rows:
            line = groups[3].build(row, starts[3], db, connection)
            if line is None:
                continue
            OrderLine.product.field.set_cached_value(
                line, groups[4].build(row, starts[4], db, connection)
            )
            lines.append(line)
        products = [line.product for line in lines if line.product is not None]
        if locale and products:
            prefetch_related_objects(products, *_localized(locale))
    return ShopperRead(customer=customer, last_kept_lines=lines)


def _owned_one_off(customer: Customer | None) -> Q:
    """A condition on Product: a one-off product (not repeat_purchase) this customer bought."""
    if customer is None or customer.pk is None:
        return Q(pk__in=[])
    bought = OrderLine.objects.filter(
        product=OuterRef("pk"), order__customer=customer, order__status__in=KEPT
    )
    return Q(repeat_purchase=False) & Q(Exists(bought))


def _localized(locale: str | None, prefix: str = "") -> "list[Prefetch[Any]]":
    """Prefetch the translations for ``locale``; none when the store's own text is wanted
    (``locale`` empty), which saves a query on the hot path."""
    if not locale:
        return []
    return [
        Prefetch(
            f"{prefix}localizations", queryset=ProductLocalization.objects.filter(locale=locale)
        )
    ]


def _category_localized(locale: str | None) -> "list[Prefetch[Any]]":
    if not locale:
        return []
    return [Prefetch("localizations", queryset=CategoryLocalization.objects.filter(locale=locale))]


def suggestable_products(*, store: Store, customer: Customer | None) -> QuerySet[Product]:
    """Sellable products that may be suggested: never a one-off product the shopper owns."""
    return Product.objects.sellable().filter(store=store).exclude(_owned_one_off(customer))


@dataclass(frozen=True)
class CategoryOutline:
    """A category in spoken order and what it has to sell right now."""

    category: Category
    sells_repeat_purchase: bool  # a sellable product anyone may buy again
    # Sellable one-off products (a shopper who owns one is not offered it).
    one_off_ids: frozenset[int]

    def has_something_for(self, owned: frozenset[int]) -> bool:
        return self.sells_repeat_purchase or bool(self.one_off_ids - owned)


# (store id, locale) -> the outline
_outlines: ProcessCache[tuple[int, str], list[CategoryOutline]] = ProcessCache()


def clear_catalog_cache(**kwargs: object) -> None:
    """Forget the catalog outlines (on any catalog change in this process)."""
    _outlines.clear()


def catalog_outline(*, store: Store, locale: str) -> list[CategoryOutline]:
    """Every category of the store in spoken order with what it sells: three queries, then
    kept per process for ``ALEXA_STORE_CACHE_SECONDS``."""
    return _outlines.get_or_load((store.pk, locale), lambda: _load_outline(store, locale))


def _load_outline(store: Store, locale: str) -> list[CategoryOutline]:
    sellable = Product.objects.sellable().filter(store=store)
    repeat = dict(
        sellable.filter(repeat_purchase=True)
        .order_by()
        .values("category_id")
        .annotate(count=Count("pk"))
        .values_list("category_id", "count")
    )
    one_off: dict[int, set[int]] = {}
    for category_id, product_id in sellable.filter(repeat_purchase=False).values_list(
        "category_id", "pk"
    ):
        one_off.setdefault(category_id, set()).add(product_id)
    return [
        CategoryOutline(
            category=category,
            sells_repeat_purchase=bool(repeat.get(category.pk)),
            one_off_ids=frozenset(one_off.get(category.pk, ())),
        )
        for category in Category.objects.filter(store=store)
        .prefetch_related(*_category_localized(locale))
        .order_by("position", "name")
    ]


def owned_one_off_ids(*, customer: Customer | None) -> frozenset[int]:
    """The one-off products (not repeat_purchase) the customer has bought and kept."""
    if customer is None or customer.pk is None:
        return frozenset()
    return frozenset(
        OrderLine.objects.filter(
            store_id=customer.store_id,
            order__customer=customer,
            order__status__in=KEPT,
            product__repeat_purchase=False,
        )
        .order_by()
        .values_list("product_id", flat=True)
        .distinct()
    )


def suggested_categories(
    *, store: Store, customer: Customer | None, locale: str, limit: int = 3
) -> list[Category]:
    """Up to ``limit`` categories, in spoken order, that have something to suggest: never
    only one-off products the shopper owns. ``customer=None`` skips the ownership query (a
    shopper without a kept order owns nothing)."""
    owned = owned_one_off_ids(customer=customer)
    categories = [
        entry.category
        for entry in catalog_outline(store=store, locale=locale)
        if entry.has_something_for(owned)
    ]
    return categories[:limit]


def product_for_voice(*, store: Store, product_id: str | None, locale: str) -> Product | None:
    """The product an entity id names, with its ``locale`` texts (``""``: the store's own
    text, no translation query). A hand-written statement: the ORM's compilation of this
    one-row read cost more than the read itself (tested equal in test_shopper_read.py)."""
    try:
        pk = int(product_id or "")
    except (TypeError, ValueError):
        return None
    db = router.db_for_read(Product)
    connection = connections[db]
    columns = _product_columns()
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns.sql} FROM {Product._meta.db_table} p"
            " WHERE p.store_id = %s AND p.id = %s",
            [store.pk, pk],
        )
        row = cursor.fetchone()
    product = columns.build(row, 0, db, connection) if row is not None else None
    if product is None:
        return None
    if locale:
        prefetch_related_objects([product], *_localized(locale))
    return product


_product_columns_cache: list[hand_sql.Columns[Product]] = []


def _product_columns() -> hand_sql.Columns[Product]:
    if not _product_columns_cache:
        _product_columns_cache.append(hand_sql.Columns(Product, "p"))
    return _product_columns_cache[0]


def product_by_words(
    *, store: Store, words: str | None, locale: str, translated: bool = True
) -> Product | None:
    """A product named by a shopper's words in ``locale`` (when entity resolution did not
    run); its translations are loaded only when ``translated``."""
    words = " ".join((words or "").split())
    if not words:
        return None
    named = (
        Q(name__iexact=words)
        | Q(spoken_name__iexact=words)
        | Q(
            synonyms__value__iexact=words,
            synonyms__locale__in=["", locale],
        )
        | Q(localizations__spoken_name__iexact=words, localizations__locale=locale)
    )
    return (
        Product.objects.filter(store=store)
        .filter(named)
        .prefetch_related(*_localized(locale if translated else ""))
        .order_by("pk")
        .first()
    )


def category_by_id_or_words(
    *, store: Store, category_id: str | None, words: str | None, locale: str
) -> Category | None:
    queryset = Category.objects.filter(store=store).prefetch_related(*_category_localized(locale))
    if category_id:
        try:
            return queryset.filter(pk=int(category_id)).first()
        except (TypeError, ValueError):
            pass
    words = " ".join((words or "").split())
    if not words:
        return None
    return (
        queryset.filter(
            Q(name__iexact=words)
            | Q(spoken_name__iexact=words)
            | Q(localizations__spoken_name__iexact=words, localizations__locale=locale)
        )
        .order_by("pk")
        .first()
    )


def products_to_suggest(
    *,
    store: Store,
    customer: Customer | None,
    locale: str,
    category: Category | None = None,
    limit: int = 3,
) -> list[Product]:
    queryset = suggestable_products(store=store, customer=customer)
    if category is not None:
        queryset = queryset.filter(category=category)
    return list(
        queryset.prefetch_related(*_localized(locale)).order_by(
            "-best_seller", "category__position", "name"
        )[:limit]
    )


def owns_one_off(*, customer: Customer | None, product: Product) -> bool:
    if customer is None or product.repeat_purchase:
        return False
    return OrderLine.objects.filter(
        product=product, order__customer=customer, order__status__in=KEPT
    ).exists()


def latest_order(*, customer: Customer | None, statuses: Sequence[str] = MADE) -> Order | None:
    """The customer's latest order in ``statuses``; None without a shopper (a request that
    names no user has no orders to speak of)."""
    if customer is None:
        return None
    return (
        Order.objects.filter(store_id=customer.store_id, customer=customer, status__in=statuses)
        .order_by("-created_at", "-pk")
        .first()
    )


def last_kept_order_lines(*, customer: Customer, locale: str) -> list[OrderLine]:
    """The lines (with their products) of the customer's latest kept order, in one query
    whatever the length of the history; empty when the customer has no kept order."""
    latest = (
        Order.objects.filter(store_id=customer.store_id, customer=customer, status__in=KEPT)
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    return list(
        OrderLine.objects.filter(store_id=customer.store_id, order_id=Subquery(latest))
        .select_related("product")
        .prefetch_related(*_localized(locale, "product__"))
        .order_by("pk")
    )


def order_lines(*, order: Order, locale: str) -> list[OrderLine]:
    return list(
        OrderLine.objects.filter(order=order, store_id=order.store_id)
        .select_related("product")
        .prefetch_related(*_localized(locale, "product__"))
        .order_by("pk")
    )


def customer_order(*, customer: Customer, order_id: str) -> Order | None:
    try:
        pk = int(order_id)
    except (TypeError, ValueError):
        return None
    return Order.objects.filter(pk=pk, store_id=customer.store_id, customer=customer).first()


def active_refill_plans(*, customer: Customer | None, locale: str) -> list[RefillPlan]:
    if customer is None:  # a request that names no user: no plans to speak of
        return []
    return list(
        RefillPlan.objects.filter(
            store_id=customer.store_id, customer=customer, status=RefillPlanStatus.ACTIVE
        )
        .select_related("product")
        .prefetch_related(*_localized(locale, "product__"))
        .order_by("pk")
    )


def has_active_refill_plan(*, customer: Customer, product: Product) -> bool:
    return RefillPlan.objects.filter(
        store_id=customer.store_id,
        customer=customer,
        product=product,
        status=RefillPlanStatus.ACTIVE,
    ).exists()
