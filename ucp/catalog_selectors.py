"""Reads of the store's catalog for the catalog capabilities (catalog/search.md,
catalog/lookup.md): active products only, always of one store, with their category and
translations fetched alongside, so a page costs the same few queries whatever its size."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, QuerySet

from catalog.models import Product, ProductLocalization, ProductSynonym
from merchant.models import LOCALE_CODES, Store

PRODUCT_PREFIX = "prod_"
MAX_TERMS = 10


@dataclass(frozen=True)
class CatalogQuery:
    """A search, checked: ``terms`` all match (any field), ``categories`` any of them (by
    name, case-insensitively), prices in the store's currency (major units)."""

    terms: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    price_min: Decimal | None = None
    price_max: Decimal | None = None


def product_id(product: Product) -> str:
    return f"{PRODUCT_PREFIX}{product.pk}"


def store_locale(store: Store, language: str) -> str | None:
    """The store's locale a BCP 47 ``language`` names (``de``, ``de-DE``, ``en-gb``), or
    None: the store's own texts."""
    wanted = language.strip().lower().replace("_", "-")
    if not wanted:
        return None
    spoken = [code for code in LOCALE_CODES if code in (store.enabled_locales or [])] or [
        store.default_locale
    ]
    for code in spoken:
        if code.lower() == wanted:
            return code
    primary = wanted.split("-")[0]
    if store.default_locale.lower().split("-")[0] == primary:
        return store.default_locale
    return next((code for code in spoken if code.lower().split("-")[0] == primary), None)


def _base(store: Store) -> QuerySet[Product]:
    return (
        Product.objects.filter(store=store, active=True)
        .select_related("category")
        .prefetch_related("localizations")
    )


def _matching(store: Store, query: CatalogQuery) -> QuerySet[Product]:
    products = _base(store)
    for term in query.terms[:MAX_TERMS]:
        synonyms = ProductSynonym.objects.filter(
            store=store, product=OuterRef("pk"), value__icontains=term
        )
        translations = ProductLocalization.objects.filter(
            store=store, product=OuterRef("pk")
        ).filter(Q(spoken_name__icontains=term) | Q(card_description__icontains=term))
        products = products.filter(
            Q(name__icontains=term)
            | Q(sku__iexact=term)
            | Q(spoken_name__icontains=term)
            | Q(card_description__icontains=term)
            | Q(spoken_description__icontains=term)
            | Q(category__name__icontains=term)
            | Exists(synonyms)
            | Exists(translations)
        )
    return _filtered(products, query)


def _filtered(products: QuerySet[Product], query: CatalogQuery) -> QuerySet[Product]:
    if query.categories:
        names = Q()
        for name in query.categories:
            names |= Q(category__name__iexact=name)
        products = products.filter(names)
    if query.price_min is not None:
        products = products.filter(price__gte=query.price_min)
    if query.price_max is not None:
        products = products.filter(price__lte=query.price_max)
    return products


def catalog_page(
    *, store: Store, query: CatalogQuery, offset: int, limit: int
) -> tuple[list[Product], int]:
    """One page of the store's matching products (best sellers first, then the spoken
    order of the catalog) and how many match in all: three queries."""
    products = _matching(store, query)
    total = products.count()
    page = list(
        products.order_by("-best_seller", "category__position", "name", "pk")[
            offset : offset + limit
        ]
    )
    return page, total


def catalog_by_ids(*, store: Store, ids: list[str], query: CatalogQuery) -> list[Product]:
    """The store's active products that ``ids`` name, by product id (``prod_<n>``) or by
    variant id (the SKU, which is also the checkout's item id): two queries."""
    numbers = [
        int(i.removeprefix(PRODUCT_PREFIX))
        for i in ids
        if i.startswith(PRODUCT_PREFIX) and i.removeprefix(PRODUCT_PREFIX).isdigit()
    ]
    numbers = [n for n in numbers if n < 2**63]
    products = _base(store).filter(Q(pk__in=numbers) | Q(sku__in=ids))
    return list(_filtered(products, query).order_by("pk"))
