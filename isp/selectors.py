"""Reads of the isp app: sandbox mode, what a shopper owns and has left, the upsell
cooldown, content access and earnings estimates."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Protocol

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from alexa.currency import minor_units
from merchant.models import Store
from orders.models import Customer

from . import facts
from .facts import PurchaseResult
from .models import (
    ConsumableLedgerEntry,
    ContentAccess,
    ContentCollection,
    ContentItem,
    ContentPlay,
    InSkillProduct,
    IspEntitlement,
    IspPurchaseAttempt,
    IspPurchaseResult,
    IspSettings,
    IspShopperState,
    UpsellEvent,
    UpsellEventKind,
)


def store_in_isp_sandbox(store: Store) -> bool:
    """The store's Monetization API calls go to the portal's own sandbox."""
    return IspSettings.objects.filter(store=store, sandbox_mode=True).exists()


def product_by_amazon_id(*, store: Store, product_id: str) -> InSkillProduct | None:
    return InSkillProduct.objects.filter(store=store, amazon_product_id=product_id).first()


def product_by_reference_name(*, store: Store, reference_name: str) -> InSkillProduct | None:
    return InSkillProduct.objects.filter(store=store, reference_name__iexact=reference_name).first()


def product_has_buyers(product: InSkillProduct) -> bool:
    return product.has_buyers()


def consumable_balance(*, customer: Customer | None, product: InSkillProduct) -> int:
    """Units the shopper has left: the sum of the ledger (never below zero); none for a
    request that names no shopper."""
    if customer is None:
        return 0
    total = ConsumableLedgerEntry.objects.filter(customer=customer, product=product).aggregate(
        total=Sum("units")
    )["total"]
    return max(0, total or 0)


def consumable_packs_recorded(*, customer: Customer, product: InSkillProduct) -> int:
    """Purchases seen at Amazon net of returns, as the ledger recorded them."""
    total = ConsumableLedgerEntry.objects.filter(customer=customer, product=product).aggregate(
        total=Sum("packs")
    )["total"]
    return total or 0


@dataclass
class Inventory:
    product: InSkillProduct
    balance: int
    entries: list[ConsumableLedgerEntry]


def consumable_inventory(*, customer: Customer) -> list[Inventory]:
    """Every consumable the shopper has a ledger for, with its entries, oldest first."""
    entries = list(
        ConsumableLedgerEntry.objects.filter(customer=customer)
        .select_related("product", "actor")
        .order_by("product__reference_name", "pk")
    )
    grouped: dict[int, Inventory] = {}
    for entry in entries:
        inv = grouped.setdefault(entry.product_id, Inventory(entry.product, 0, []))
        inv.balance += entry.units
        inv.entries.append(entry)
    for inv in grouped.values():
        inv.balance = max(0, inv.balance)
    return list(grouped.values())


def customer_entitlements(*, customer: Customer) -> list[IspEntitlement]:
    return list(
        IspEntitlement.objects.filter(customer=customer)
        .select_related("product")
        .order_by("product__type", "product__reference_name")
    )


def customer_purchase_results(*, customer: Customer, limit: int = 50) -> list[IspPurchaseResult]:
    return list(
        IspPurchaseResult.objects.filter(customer=customer)
        .select_related("product")
        .order_by("-created_at", "-pk")[:limit]
    )


def upsell_declined_recently(
    *, customer: Customer, product: InSkillProduct, now: datetime | None = None
) -> bool:
    """The shopper said no to a suggestion of ``product`` within its cooldown."""
    now = now or timezone.now()
    since = now - timedelta(days=product.upsell_cooldown_days)
    return UpsellEvent.objects.filter(
        customer=customer, product=product, kind=UpsellEventKind.DECLINED, created_at__gte=since
    ).exists()


class _ProductState(Protocol):
    @property
    def product_id(self) -> str: ...
    @property
    def type(self) -> str: ...
    @property
    def entitled(self) -> bool: ...


class _ProductStates(Protocol):
    """What is read here of ``monetization.ProductsResult`` (which imports this module)."""

    @property
    def available(self) -> bool: ...
    @property
    def products(self) -> Sequence[_ProductState]: ...


def content_access(*, item: ContentItem, states: _ProductStates) -> str:
    """How ``item`` can be heard given the Monetization API's ``ProductsResult``: "open"
    (free, owned, or the shopper has an active subscription, which unlocks all premium
    content), "spend" (costs one consumable unit: check ``consumable_balance`` and call
    ``services.consumable_spend``), or "locked" (offer ``item.product`` or a subscription).
    When the API is unavailable only free content is open."""
    if item.access == ContentAccess.FREE:
        return "open"
    if not states.available:
        return "locked"
    if any(p.type == facts.ProductType.SUBSCRIPTION and p.entitled for p in states.products):
        return "open"
    if item.access == ContentAccess.ONE_TIME:
        product = item.product
        assert product is not None  # one-time content names its product (ContentItem.clean)
        owned = any(
            p.product_id == product.amazon_product_id and p.entitled for p in states.products
        )
        return "open" if owned else "locked"
    if item.access == ContentAccess.CONSUMABLE:
        return "spend"
    return "locked"


def estimated_earnings(*, list_price: Decimal, currency: str) -> Decimal:
    """The developer's estimated share of one sale (``ISP_REVENUE_SHARE`` of the list price,
    before Amazon's discounts), rounded to the currency."""
    places = minor_units(currency)
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(list_price) * settings.ISP_REVENUE_SHARE).quantize(quantum, ROUND_HALF_UP)


def store_estimated_earnings(*, store: Store, since: datetime | None = None) -> dict[str, Decimal]:
    """Estimated earnings per currency from accepted, non-test purchases."""
    results = IspPurchaseResult.objects.filter(
        store=store,
        result=PurchaseResult.ACCEPTED,
        is_test=False,
        list_price__isnull=False,
    ).exclude(name="Cancel")
    if since is not None:
        results = results.filter(created_at__gte=since)
    totals: dict[str, Decimal] = {}
    for price, currency in results.values_list("list_price", "currency"):
        if price is None:  # left out by the filter above
            continue
        totals[currency] = totals.get(currency, Decimal(0)) + estimated_earnings(
            list_price=price, currency=currency
        )
    return totals


# The skill's session view of one shopper ------------------------------------------------------

RECENT_PLAYS = 20  # content heard within the last this-many plays is not repeated


def shopper_state(*, customer: Customer) -> IspShopperState | None:
    return (
        IspShopperState.objects.select_related("collection", "product")
        .filter(customer=customer)
        .first()
    )


def store_products(*, store: Store) -> list[InSkillProduct]:
    """The store's products with their texts, by reference name (what the skill says)."""
    return list(
        InSkillProduct.objects.filter(store=store)
        .prefetch_related("localizations")
        .order_by("reference_name")
    )


def observed_entitlements(*, customer: Customer) -> dict[int, IspEntitlement]:
    """What the skill last observed at Amazon, by product id."""
    return {row.product_id: row for row in IspEntitlement.objects.filter(customer=customer)}


def active_collections(*, store: Store) -> list[ContentCollection]:
    return list(ContentCollection.objects.filter(store=store, active=True))


def collection_items(*, collection: ContentCollection) -> list[ContentItem]:
    return list(
        ContentItem.objects.filter(collection=collection, active=True)
        .select_related("product", "collection")
        .prefetch_related("localizations")
    )


def recently_played(*, customer: Customer | None) -> dict[int, int]:
    """Item id -> how recently it was played (0: the last one), over ``RECENT_PLAYS``;
    nothing for a request that names no shopper."""
    if customer is None:
        return {}
    ids = ContentPlay.objects.filter(customer=customer).order_by("-created_at", "-pk")
    recent: dict[int, int] = {}
    for age, item_id in enumerate(ids.values_list("item_id", flat=True)[:RECENT_PLAYS]):
        recent.setdefault(item_id, age)
    return recent


def upsell_settings(store: Store) -> int:
    """How many suggestions one session may carry (the store's policy, default 1)."""
    row = IspSettings.objects.filter(store=store).values_list("upsells_per_session").first()
    return row[0] if row else 1


def upsells_in_session(*, customer: Customer, session_ids: Iterable[str]) -> int:
    """Suggestions made in the session (``session_ids``: the session and the one a purchase
    dialogue interrupted, which it continues)."""
    session_ids = [s for s in session_ids if s]
    if not session_ids:
        return 0
    return UpsellEvent.objects.filter(
        customer=customer, session_id__in=session_ids, kind=UpsellEventKind.OFFERED
    ).count()


def last_offered(*, customer: Customer) -> dict[int, datetime]:
    """Product id -> when it was last suggested to the shopper."""
    rows = (
        UpsellEvent.objects.filter(customer=customer, kind=UpsellEventKind.OFFERED)
        .values_list("product_id", "created_at")
        .order_by("created_at")
    )
    return dict(rows)


def declined_recently(
    *, customer: Customer, products: list[InSkillProduct], now: datetime | None = None
) -> set[int]:
    """Ids of ``products`` the shopper declined within each product's cooldown."""
    now = now or timezone.now()
    longest = max((p.upsell_cooldown_days for p in products), default=0)
    rows = UpsellEvent.objects.filter(
        customer=customer,
        kind=UpsellEventKind.DECLINED,
        created_at__gte=now - timedelta(days=longest),
    ).values_list("product_id", "created_at")
    days = {p.pk: p.upsell_cooldown_days for p in products}
    return {
        product_id
        for product_id, at in rows
        if product_id in days and at >= now - timedelta(days=days[product_id])
    }


def purchase_attempt(*, customer: Customer, token: str) -> IspPurchaseAttempt | None:
    """The shopper's purchase request a ``Connections.Response`` token names."""
    if not token:
        return None
    return IspPurchaseAttempt.objects.filter(customer=customer, token=token[:64]).first()


def collection_by_id(*, store: Store, pk: int | str) -> ContentCollection | None:
    try:
        return ContentCollection.objects.filter(store=store, pk=int(pk), active=True).first()
    except (TypeError, ValueError):
        return None
