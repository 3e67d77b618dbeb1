"""Reading discount codes: which of the codes a shopper gave apply, and for how much."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models.functions import Upper
from django.utils import timezone

from merchant.models import Store
from merchant.money import quantize

from .models import Discount, DiscountKind

MAX_CODES = 10
MAX_CODE_LENGTH = 40


@dataclass(frozen=True)
class AppliedDiscount:
    code: str  # as the store wrote it
    title: str
    amount: Decimal  # positive: what comes off the subtotal


@dataclass(frozen=True)
class RejectedCode:
    code: str  # as the shopper typed it
    reason: str  # "unknown" | "expired" | "not_yet_valid" | "used_up" | "inactive"


@dataclass(frozen=True)
class DiscountEvaluation:
    applied: list[AppliedDiscount] = field(default_factory=list)
    rejected: list[RejectedCode] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((a.amount for a in self.applied), Decimal("0"))


def normalized_codes(codes: Iterable[str]) -> list[str]:
    """The codes trimmed, without blanks or repeats (ignoring case), at most ``MAX_CODES``."""
    seen: set[str] = set()
    result = []
    for raw in codes:
        code = str(raw).strip()[:MAX_CODE_LENGTH]
        if code and code.upper() not in seen:
            seen.add(code.upper())
            result.append(code)
    return result[:MAX_CODES]


def discounts_by_code(*, store: Store, codes: Iterable[str]) -> dict[str, Discount]:
    """The store's discounts named by ``codes``, keyed by the upper-cased code."""
    wanted = {c.upper() for c in codes}
    if not wanted:
        return {}
    found = Discount.objects.annotate(code_upper=Upper("code")).filter(
        store=store, code_upper__in=wanted
    )
    return {d.code.upper(): d for d in found}


def discounts_evaluate(
    *, store: Store, codes: Iterable[str], subtotal: Decimal, at: datetime | None = None
) -> DiscountEvaluation:
    """Each valid code's amount, every one computed on the subtotal (they add up), the last
    ones cut so that together they never exceed the subtotal; unknown, expired or used-up
    codes are rejected, never an error."""
    at = at or timezone.now()
    wanted = normalized_codes(codes)
    known = discounts_by_code(store=store, codes=wanted)
    applied: list[AppliedDiscount] = []
    rejected: list[RejectedCode] = []
    left = subtotal
    for code in wanted:
        discount = known.get(code.upper())
        if discount is None or not discount.is_valid_at(at):
            rejected.append(RejectedCode(code=code, reason=rejection_reason(discount, at)))
            continue
        if discount.kind == DiscountKind.PERCENTAGE:
            amount = quantize(subtotal * discount.value / 100, store.currency)
        else:
            amount = quantize(discount.value, store.currency)
        amount = min(amount, left)
        left -= amount
        applied.append(AppliedDiscount(code=discount.code, title=discount.title, amount=amount))
    return DiscountEvaluation(applied=applied, rejected=rejected)


def rejection_reason(discount: Discount | None, at: datetime) -> str:
    if discount is None:
        return "unknown"
    if not discount.active:
        return "inactive"
    if discount.starts_at is not None and at < discount.starts_at:
        return "not_yet_valid"
    if discount.ends_at is not None and at >= discount.ends_at:
        return "expired"
    return "used_up"
