"""Writes to the catalog that are more than a form save."""

from django.db import transaction
from django.db.models import F

from .models import CatalogRevision, Product
from .signals import catalog_changed

# Saving only these product fields changes nothing the skill package is built from.
STOCK_ONLY_FIELDS = frozenset({"stock", "updated_at"})


def catalog_revision_start(*, store_id: int) -> None:
    """A new store's catalog revision row, at 0."""
    CatalogRevision.objects.get_or_create(store_id=store_id)


def catalog_revision_bump(*, store_id: int, create: bool = True) -> None:
    """Count one change to the store's catalog (in the caller's transaction). Every store
    has its revision row from its creation; ``create`` adds a missing one (a store made
    without signals), never while the store itself may be being deleted."""
    if CatalogRevision.objects.filter(store_id=store_id).update(number=F("number") + 1):
        return
    if create:
        catalog_revision_start(store_id=store_id)
        CatalogRevision.objects.filter(store_id=store_id).update(number=F("number") + 1)


@transaction.atomic
def products_set_active(*, products, active: bool) -> int:
    """Activate or deactivate products; returns how many changed."""
    products = list(products)
    changed = (
        Product.objects.filter(pk__in=[p.pk for p in products])
        .exclude(active=active)
        .update(active=active)
    )
    for store_id in {p.store_id for p in products} if changed else ():
        catalog_revision_bump(store_id=store_id)
        transaction.on_commit(
            lambda store_id=store_id: catalog_changed.send(sender=Product, store_id=store_id)
        )
    return changed
