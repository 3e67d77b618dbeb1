"""Writes of the isp app: what the skill observed at Amazon, consumable units spent and
granted, purchase requests and their results, upsell suggestions.

Every service is keyword-only and atomic. A consumable's units change only under the lock of
the shopper's ``IspEntitlement`` row for that product, so two devices spending the last unit
at the same moment spend it once.
"""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from merchant.models import Area
from merchant.selectors import user_can
from orders.models import Customer

from . import facts
from .errors import IspError, IspErrorCode
from .facts import DirectiveName, ProductType, PurchaseResult
from .models import (
    ConsumableLedgerEntry,
    ContentCollection,
    ContentItem,
    ContentPlay,
    InSkillProduct,
    IspEntitlement,
    IspPurchaseAttempt,
    IspPurchaseResult,
    IspShopperState,
    LedgerKind,
    UpsellEvent,
    UpsellEventKind,
    UpsellExperiment,
)
from .monetization import IspProductState, ProductsResult
from .selectors import consumable_balance, consumable_packs_recorded

MAX_GOODWILL_UNITS = 100


def _locked_entitlement(*, customer: Customer, product: InSkillProduct) -> IspEntitlement:
    """The shopper's row for ``product``, created if missing, locked until commit."""
    if product.store_id != customer.store_id:
        raise IspError(IspErrorCode.OTHER_STORE)
    row, _ = IspEntitlement.objects.get_or_create(
        customer=customer, product=product, defaults={"store_id": customer.store_id}
    )
    return IspEntitlement.objects.select_for_update().get(pk=row.pk)


@transaction.atomic
def entitlements_observe(
    *, customer: Customer, products: Iterable[IspProductState], when: datetime | None = None
) -> None:
    """Record what the Monetization API said about the shopper's products
    (``monetization.IspProductState``s). For a consumable, Amazon's count of purchases (net
    of returns) is audited against the ledger: new purchases add their units; returns take
    units back, never below zero (mismatches are settled in the shopper's favour)."""
    when = when or timezone.now()
    known = {
        p.amazon_product_id: p for p in InSkillProduct.objects.filter(store_id=customer.store_id)
    }
    for state in sorted(products, key=lambda s: s.product_id):
        product = known.get(state.product_id)
        if product is None:
            continue
        row = _locked_entitlement(customer=customer, product=product)
        row.entitled = state.entitled
        row.entitlement_reason = state.entitlement_reason
        row.active_entitlement_count = state.active_entitlement_count
        row.purchase_mode = state.purchase_mode
        row.observed_at = when
        row.save()
        if product.type == ProductType.CONSUMABLE:
            _audit_consumable(customer, product, state.active_entitlement_count)


def _audit_consumable(customer: Customer, product: InSkillProduct, count: int) -> None:
    recorded = consumable_packs_recorded(customer=customer, product=product)
    if count == recorded:
        return
    common = dict(
        store_id=customer.store_id,
        customer=customer,
        product=product,
        active_entitlement_count=count,
    )
    if count > recorded:
        packs = count - recorded
        ConsumableLedgerEntry.objects.create(
            kind=LedgerKind.PURCHASE_OBSERVED,
            packs=packs,
            units=packs * product.units_per_purchase,
            **common,
        )
        return
    packs = recorded - count
    taken = min(
        packs * product.units_per_purchase, consumable_balance(customer=customer, product=product)
    )
    ConsumableLedgerEntry.objects.create(
        kind=LedgerKind.RETURN_OBSERVED,
        packs=-packs,
        units=-taken,
        reason="Amazon counts fewer purchases: returned or refunded.",
        **common,
    )


@transaction.atomic
def consumable_spend(*, customer: Customer, product: InSkillProduct) -> int:
    """Spend one unit; returns the units left. Raises ``NO_UNITS_LEFT`` when none are."""
    if product.type != ProductType.CONSUMABLE:
        raise IspError(IspErrorCode.NOT_CONSUMABLE, product=product)
    _locked_entitlement(customer=customer, product=product)
    left = consumable_balance(customer=customer, product=product)
    if left < 1:
        raise IspError(IspErrorCode.NO_UNITS_LEFT, product=product)
    ConsumableLedgerEntry.objects.create(
        store_id=customer.store_id,
        customer=customer,
        product=product,
        kind=LedgerKind.USED,
        units=-1,
    )
    return left - 1


@transaction.atomic
def consumable_goodwill_grant(
    *, customer: Customer, product: InSkillProduct, units: int, reason: str, actor: User
) -> int:
    """Support gives ``units`` for free, with the reason and the agent on the ledger;
    returns the new balance. Giving value away needs the refund permission in the
    shopper's store, as a refund does."""
    if actor is None or not user_can(user=actor, store=customer.store, area=Area.REFUNDS):
        raise IspError(IspErrorCode.NEEDS_REFUND_PERMISSION)
    if product.type != ProductType.CONSUMABLE:
        raise IspError(IspErrorCode.NOT_CONSUMABLE, product=product)
    if not isinstance(units, int) or not 1 <= units <= MAX_GOODWILL_UNITS:
        raise IspError(IspErrorCode.BAD_UNITS, max=MAX_GOODWILL_UNITS)
    reason = " ".join((reason or "").split())
    if not reason:
        raise IspError(IspErrorCode.REASON_REQUIRED)
    _locked_entitlement(customer=customer, product=product)
    ConsumableLedgerEntry.objects.create(
        store_id=customer.store_id,
        customer=customer,
        product=product,
        kind=LedgerKind.GOODWILL,
        units=units,
        reason=reason[:200],
        actor=actor,
    )
    return consumable_balance(customer=customer, product=product)


@transaction.atomic
def purchase_attempt_start(
    *,
    customer: Customer,
    product: InSkillProduct,
    name: str,
    locale: str,
    resume: dict[str, Any] | None = None,
    session_id: str = "",
    experiment: UpsellExperiment | None = None,
    arm: str = "",
) -> IspPurchaseAttempt:
    """Record a Buy, Upsell or Cancel about to be sent; its ``token`` goes in the
    directive, and ``resume`` is where the conversation continues when Alexa comes back."""
    if product.store_id != customer.store_id:
        raise IspError(IspErrorCode.OTHER_STORE)
    attempt = IspPurchaseAttempt.objects.create(
        store_id=customer.store_id,
        customer=customer,
        product=product,
        name=DirectiveName(name),
        locale=locale,
        resume=resume or {},
        experiment=experiment,
        arm=arm if experiment is not None else "",
    )
    if name == DirectiveName.UPSELL:
        UpsellEvent.objects.create(
            store_id=customer.store_id,
            customer=customer,
            product=product,
            kind=UpsellEventKind.OFFERED,
            session_id=session_id[:200],
            experiment=experiment,
            arm=attempt.arm,
        )
    return attempt


@transaction.atomic
def purchase_result_record(
    *,
    customer: Customer,
    product_id: str,
    name: str,
    result: str,
    token: str = "",
    locale: str = "",
    is_test: bool = False,
    message: str = "",
) -> IspPurchaseResult:
    """Record a ``Connections.Response``: the result, the list price in the shopper's
    marketplace, and for an Upsell declined the cooldown's start. A response repeated with
    the same token is recorded once (the first row is returned)."""
    product = InSkillProduct.objects.filter(
        store_id=customer.store_id, amazon_product_id=product_id
    ).first()
    if product is None:
        raise IspError(IspErrorCode.UNKNOWN_PRODUCT, product_id=product_id)
    attempt = None
    if token:
        attempt = (
            IspPurchaseAttempt.objects.select_for_update()
            .filter(token=token, customer=customer)
            .first()
        )
        if attempt is not None:
            existing = IspPurchaseResult.objects.filter(attempt=attempt).first()
            if existing is not None:
                return existing
            locale = locale or attempt.locale
    marketplace = facts.LOCALE_MARKETPLACE.get(locale, "")
    price = product.prices.filter(marketplace=marketplace).first() if marketplace else None
    row = IspPurchaseResult.objects.create(
        store_id=customer.store_id,
        customer=customer,
        product=product,
        attempt=attempt,
        name=DirectiveName(name),
        result=PurchaseResult(result),
        token=token[:255],
        marketplace=marketplace if price else "",
        currency=price.currency if price else "",
        list_price=price.price if price else None,
        is_test=is_test,
        message=(message or "")[:255],
    )
    bought = result in (PurchaseResult.ACCEPTED, PurchaseResult.ALREADY_PURCHASED)
    if name != DirectiveName.CANCEL and bought and product.type != ProductType.CONSUMABLE:
        entitlement = _locked_entitlement(customer=customer, product=product)
        entitlement.entitled = True
        entitlement.entitlement_reason = "PURCHASED"
        entitlement.active_entitlement_count = 1
        entitlement.purchase_mode = "TEST" if is_test else "LIVE"
        entitlement.observed_at = timezone.now()
        entitlement.save()
    if name == DirectiveName.UPSELL and result == PurchaseResult.DECLINED:
        upsell_event_record(customer=customer, product=product, kind=UpsellEventKind.DECLINED)
    return row


def upsell_event_record(
    *,
    customer: Customer,
    product: InSkillProduct,
    kind: str,
    reason: str = "",
    session_id: str = "",
) -> UpsellEvent:
    """A suggestion made, held back (``reason``: "owned", "cooldown", "per_session", …) or
    declined; analytics and the cooldown read these."""
    return UpsellEvent.objects.create(
        store_id=customer.store_id,
        customer=customer,
        product=product,
        kind=UpsellEventKind(kind),
        reason=reason[:60],
        session_id=session_id[:200],
    )


def product_delete(*, product: InSkillProduct) -> None:
    """Delete a product nobody bought; a bought one can only be made not purchasable."""
    with transaction.atomic():
        locked = InSkillProduct.objects.select_for_update().get(pk=product.pk)
        if locked.has_buyers():
            raise IspError(IspErrorCode.HAS_BUYERS, product=locked)
        locked.delete()


# The skill's session view of one shopper ------------------------------------------------------


class _Unset:
    """An argument not given (None means: clear it)."""


_UNSET = _Unset()


@transaction.atomic
def shopper_state_refresh(
    *,
    customer: Customer,
    session_id: str,
    result: ProductsResult,
    continues: str = "",
    when: datetime | None = None,
) -> IspShopperState:
    """The Monetization API's answer (``monetization.ProductsResult``) at a session's start or
    after a purchase result: observed entitlements are recorded (consumables audited) and the
    session marked as asked, so the rest of the session reads the records. ``continues``:
    the session a purchase dialogue interrupted (Alexa may come back in a new one)."""
    when = when or timezone.now()
    if result.available:
        entitlements_observe(customer=customer, products=result.products, when=when)
    state, _ = IspShopperState.objects.update_or_create(
        customer=customer,
        defaults={
            "store_id": customer.store_id,
            "session_id": session_id[:200],
            "continues_session_id": continues[:200],
            "available": result.available,
            "refreshed_at": when,
        },
    )
    return state


def shopper_state_set(
    *,
    customer: Customer,
    collection: ContentCollection | None | _Unset = _UNSET,
    product: InSkillProduct | None | _Unset = _UNSET,
) -> None:
    """Where the shopper is: the collection they listen to, the product a question is about."""
    fields: dict[str, ContentCollection | InSkillProduct | None] = {}
    if not isinstance(collection, _Unset):
        fields["collection"] = collection
    if not isinstance(product, _Unset):
        fields["product"] = product
    if fields:
        IspShopperState.objects.update_or_create(
            customer=customer, defaults={"store_id": customer.store_id, **fields}
        )


def content_play_record(
    *, customer: Customer, item: ContentItem, session_id: str, spend: bool
) -> int | None:
    """Record that ``item`` was played; with ``spend`` one consumable unit of its product is
    spent in the same transaction (``NO_UNITS_LEFT`` when none are). Returns the units left
    after spending, or None. A free play is one INSERT (no transaction of its own)."""
    if item.store_id != customer.store_id:
        raise IspError(IspErrorCode.OTHER_STORE)
    play = ContentPlay(
        store_id=customer.store_id,
        customer=customer,
        item=item,
        session_id=session_id[:200],
        spent_unit=spend,
    )
    if not spend:
        play.save(force_insert=True)
        return None
    assert item.product is not None  # consumable content names its product (ContentItem.clean)
    with transaction.atomic():
        left = consumable_spend(customer=customer, product=item.product)
        play.save(force_insert=True)
    return left


@transaction.atomic
def shopper_isp_forget(*, customer: Customer) -> None:
    """The shopper disabled the skill without keeping their data: forget what they heard,
    their observed entitlements, unit ledger and session view. Purchase results stay (they
    are the store's sales) with the erased shopper."""
    for model in (ContentPlay, ConsumableLedgerEntry, IspEntitlement, IspShopperState):
        model.objects.filter(customer=customer).delete()
    UpsellEvent.objects.filter(customer=customer).update(session_id="")


@transaction.atomic
def test_shopper_reset(*, customer: Customer) -> None:
    """The voice console's test shopper starts over: everything ``shopper_isp_forget``
    forgets, plus their suggestions, declines and test purchase requests and results (so no
    cooldown or rotation carries over). Refused for a shopper with a live purchase."""
    results = IspPurchaseResult.objects.filter(customer=customer)
    if results.filter(is_test=False).exists():
        raise IspError(IspErrorCode.LIVE_PURCHASES)
    shopper_isp_forget(customer=customer)
    results.delete()
    IspPurchaseAttempt.objects.filter(customer=customer).delete()
    UpsellEvent.objects.filter(customer=customer).delete()


@transaction.atomic
def product_amazon_sync_record(*, product: InSkillProduct, amazon_product_id: str) -> None:
    """A publish created or updated the product at Amazon: keep Amazon's product id."""
    InSkillProduct.objects.filter(pk=product.pk, store_id=product.store_id).update(
        amazon_product_id=amazon_product_id, amazon_synced_at=timezone.now()
    )
    product.amazon_product_id = amazon_product_id
