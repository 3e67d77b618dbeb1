"""Writes to the catalog that are more than a form save."""

from django.db import transaction

from .models import Product
from .signals import catalog_changed


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
        transaction.on_commit(
            lambda store_id=store_id: catalog_changed.send(sender=Product, store_id=store_id)
        )
    return changed
