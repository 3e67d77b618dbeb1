"""Reads of the isp app: sandbox mode, what a shopper owns and has left, the upsell
cooldown, content access and earnings estimates."""

from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from . import facts
from .facts import PurchaseResult
from .models import (
    ConsumableLedgerEntry,
    ContentAccess,
    InSkillProduct,
    IspEntitlement,
    IspPurchaseResult,
    IspSettings,
    UpsellEvent,
    UpsellEventKind,
)


def store_in_isp_sandbox(store) -> bool:
    """The store's Monetization API calls go to the portal's own sandbox."""
    return IspSettings.objects.filter(store=store, sandbox_mode=True).exists()


def product_by_amazon_id(*, store, product_id: str) -> InSkillProduct | None:
    return InSkillProduct.objects.filter(store=store, amazon_product_id=product_id).first()


def product_by_reference_name(*, store, reference_name: str) -> InSkillProduct | None:
    return InSkillProduct.objects.filter(store=store, reference_name__iexact=reference_name).first()


def product_has_buyers(product: InSkillProduct) -> bool:
    return product.has_buyers()


def consumable_balance(*, customer, product) -> int:
    """Units the shopper has left: the sum of the ledger (never below zero)."""
    total = ConsumableLedgerEntry.objects.filter(customer=customer, product=product).aggregate(
        total=Sum("units")
    )["total"]
    return max(0, total or 0)


def consumable_packs_recorded(*, customer, product) -> int:
    """Purchases seen at Amazon net of returns, as the ledger recorded them."""
    total = ConsumableLedgerEntry.objects.filter(customer=customer, product=product).aggregate(
        total=Sum("packs")
    )["total"]
    return total or 0


@dataclass
class Inventory:
    product: InSkillProduct
    balance: int
    entries: list


def consumable_inventory(*, customer) -> list[Inventory]:
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


def customer_entitlements(*, customer) -> list[IspEntitlement]:
    return list(
        IspEntitlement.objects.filter(customer=customer)
        .select_related("product")
        .order_by("product__type", "product__reference_name")
    )


def customer_purchase_results(*, customer, limit: int = 50) -> list[IspPurchaseResult]:
    return list(
        IspPurchaseResult.objects.filter(customer=customer)
        .select_related("product")
        .order_by("-created_at", "-pk")[:limit]
    )


def upsell_declined_recently(*, customer, product, now=None) -> bool:
    """The shopper said no to a suggestion of ``product`` within its cooldown."""
    now = now or timezone.now()
    since = now - timedelta(days=product.upsell_cooldown_days)
    return UpsellEvent.objects.filter(
        customer=customer, product=product, kind=UpsellEventKind.DECLINED, created_at__gte=since
    ).exists()


def content_access(*, item, states) -> str:
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
        owned = any(
            p.product_id == item.product.amazon_product_id and p.entitled for p in states.products
        )
        return "open" if owned else "locked"
    if item.access == ContentAccess.CONSUMABLE:
        return "spend"
    return "locked"


def estimated_earnings(*, list_price: Decimal, currency: str) -> Decimal:
    """The developer's estimated share of one sale (``ISP_REVENUE_SHARE`` of the list price,
    before Amazon's discounts), rounded to the currency."""
    places = facts.CURRENCY_PLACES.get(currency, 2)
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(list_price) * settings.ISP_REVENUE_SHARE).quantize(quantum, ROUND_HALF_UP)


def store_estimated_earnings(*, store, since=None) -> dict[str, Decimal]:
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
        totals[currency] = totals.get(currency, Decimal(0)) + estimated_earnings(
            list_price=price, currency=currency
        )
    return totals
