"""Reads the skill makes, every one scoped by store (and by customer where it is about one).

Each is a fixed number of queries whatever the size of the catalog or the order history;
``skill/tests/test_query_budget.py`` pins the counts of the hot turns.
"""

from django.db.models import Exists, OuterRef, Prefetch, Q

from catalog.models import Category, CategoryLocalization, Product, ProductLocalization
from merchant.models import SkillId, Store
from orders.models import Customer, Order, OrderLine, OrderStatus, RefillPlan, RefillPlanStatus

# Orders the shopper has really made (not carts, not abandoned carts).
MADE = [OrderStatus.PLACED, OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CANCELLED]
KEPT = [OrderStatus.PLACED, OrderStatus.SHIPPED, OrderStatus.DELIVERED]


def store_for_application_id(application_id: str) -> Store | None:
    skill = SkillId.objects.select_related("store").filter(skill_id=application_id).first()
    return skill.store if skill else None


def shopper(*, store: Store, alexa_user_id: str) -> Customer | None:
    """The customer with their conversation and its order, in one query."""
    return (
        Customer.objects.select_related("skill_conversation", "skill_conversation__order")
        .filter(store=store, alexa_user_id=alexa_user_id)
        .first()
    )


def _owned_one_off(customer: Customer | None):
    """A condition on Product: a one-off product (not repeat_purchase) this customer bought."""
    if customer is None or customer.pk is None:
        return Q(pk__in=[])
    bought = OrderLine.objects.filter(
        product=OuterRef("pk"), order__customer=customer, order__status__in=KEPT
    )
    return Q(repeat_purchase=False) & Q(Exists(bought))


def _localized(locale: str | None, prefix: str = "") -> list[Prefetch]:
    """Prefetch the translations for ``locale``; none when the store's own text is wanted
    (``locale`` empty), which saves a query on the hot path."""
    if not locale:
        return []
    return [
        Prefetch(
            f"{prefix}localizations", queryset=ProductLocalization.objects.filter(locale=locale)
        )
    ]


def _category_localized(locale: str | None) -> list[Prefetch]:
    if not locale:
        return []
    return [Prefetch("localizations", queryset=CategoryLocalization.objects.filter(locale=locale))]


def suggestable_products(*, store: Store, customer: Customer | None):
    """Sellable products that may be suggested: never a one-off product the shopper owns."""
    return Product.objects.sellable().filter(store=store).exclude(_owned_one_off(customer))


def suggested_categories(
    *, store: Store, customer: Customer | None, locale: str, limit: int = 3
) -> list[Category]:
    """Up to ``limit`` categories, in spoken order, that have something to suggest."""
    has_products = suggestable_products(store=store, customer=customer).filter(
        category=OuterRef("pk")
    )
    return list(
        Category.objects.filter(store=store)
        .filter(Exists(has_products))
        .prefetch_related(*_category_localized(locale))
        .order_by("position", "name")[:limit]
    )


def product_for_voice(*, store: Store, product_id, locale: str) -> Product | None:
    try:
        product_id = int(product_id)
    except (TypeError, ValueError):
        return None
    return (
        Product.objects.filter(store=store, pk=product_id)
        .prefetch_related(*_localized(locale))
        .first()
    )


def product_by_words(*, store: Store, words: str, locale: str) -> Product | None:
    """A product named by a shopper's words (when entity resolution did not run)."""
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
        .prefetch_related(*_localized(locale))
        .order_by("pk")
        .first()
    )


def category_by_id_or_words(*, store: Store, category_id, words: str, locale: str):
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
    *, store: Store, customer: Customer | None, locale: str, category=None, limit: int = 3
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


def latest_order(*, customer: Customer, statuses=MADE) -> Order | None:
    return (
        Order.objects.filter(store_id=customer.store_id, customer=customer, status__in=statuses)
        .order_by("-created_at", "-pk")
        .first()
    )


def order_lines(*, order: Order, locale: str) -> list[OrderLine]:
    return list(
        OrderLine.objects.filter(order=order, store_id=order.store_id)
        .select_related("product")
        .prefetch_related(*_localized(locale, "product__"))
        .order_by("pk")
    )


def customer_order(*, customer: Customer, order_id) -> Order | None:
    try:
        order_id = int(order_id)
    except (TypeError, ValueError):
        return None
    return Order.objects.filter(pk=order_id, store_id=customer.store_id, customer=customer).first()


def active_refill_plans(*, customer: Customer, locale: str) -> list[RefillPlan]:
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
