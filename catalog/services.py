"""Writes to the catalog that are more than a form save."""

from django.db import transaction

from .models import Product


@transaction.atomic
def products_set_active(*, products, active: bool) -> int:
    """Activate or deactivate products; returns how many changed."""
    return (
        Product.objects.filter(pk__in=[p.pk for p in products])
        .exclude(active=active)
        .update(active=active)
    )
