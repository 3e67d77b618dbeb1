"""Every write to discount codes: creating one, and counting its uses when an order placed
with it (under a row lock, so a code limited to N orders is used N times, never N + 1)."""

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Upper
from django.utils import timezone

from merchant.models import Store

from .errors import DiscountUnavailable
from .models import Discount
from .selectors import normalized_codes


def discount_create(
    *,
    store: Store,
    code: str,
    title: str,
    kind: str,
    value: Decimal,
    starts_at: datetime | None = None,
    ends_at: datetime | None = None,
    usage_limit: int | None = None,
) -> Discount:
    discount = Discount(
        store=store,
        code=code.strip(),
        title=title.strip(),
        kind=kind,
        value=value,
        starts_at=starts_at,
        ends_at=ends_at,
        usage_limit=usage_limit,
    )
    discount.full_clean()
    discount.save()
    return discount


@transaction.atomic
def discounts_redeem(
    *, store: Store, codes: Iterable[str], at: datetime | None = None
) -> list[Discount]:
    """Count one use of each code (locked in primary-key order); raises
    ``DiscountUnavailable`` and counts nothing when one can no longer be used."""
    at = at or timezone.now()
    wanted = {c.upper() for c in normalized_codes(codes)}
    if not wanted:
        return []
    locked: list[Discount] = list(
        Discount.objects.select_for_update()
        .annotate(code_upper=Upper("code"))
        .filter(store=store, code_upper__in=wanted)
        .order_by("pk")
    )
    found = {d.code.upper() for d in locked}
    for code in sorted(wanted - found):
        raise DiscountUnavailable(code)
    for discount in locked:
        if not discount.is_valid_at(at):
            raise DiscountUnavailable(discount.code)
    Discount.objects.filter(pk__in=[d.pk for d in locked]).update(times_used=F("times_used") + 1)
    return locked
