"""Receivers that keep each store's catalog revision counting (connected in apps.py)."""

from .models import Product
from .services import STOCK_ONLY_FIELDS, catalog_revision_bump, catalog_revision_start


def store_created(sender, instance, created=False, raw=False, **kwargs):
    if created and not raw:
        catalog_revision_start(store_id=instance.pk)


def counted(sender, instance, update_fields=None, raw=False, **kwargs):
    """A catalog row was saved: count it in the store's catalog revision."""
    if raw or (sender is Product and update_fields and set(update_fields) <= STOCK_ONLY_FIELDS):
        return
    if instance.store_id:
        catalog_revision_bump(store_id=instance.store_id)


def counted_deleted(sender, instance, **kwargs):
    """A catalog row was deleted (maybe with its store): count it, creating nothing."""
    if instance.store_id:
        catalog_revision_bump(store_id=instance.store_id, create=False)
