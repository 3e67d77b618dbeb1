"""Reads of the catalog that are more than a queryset in a view."""

from .models import CatalogRevision


def catalog_revision(*, store_id: int) -> int:
    """The store's catalog revision (0 before the first counted change)."""
    return (
        CatalogRevision.objects.filter(store_id=store_id).values_list("number", flat=True).first()
        or 0
    )
