"""Receivers that keep each store's catalog revision counting (connected in apps.py)."""

from .models import Product
from .services import STOCK_ONLY_FIELDS, catalog_revision_bump, catalog_revision_start
from .signals import stock_low


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


def stock_watched(sender, instance, created=False, raw=False, **kwargs):
    """A product was saved: tell ``stock_low`` when its stock fell to the threshold (an
    order, a restock, an edit). A stock read as unlimited counts as above every threshold."""
    if raw or created:
        return
    before = getattr(instance, "_stock_as_read", instance.stock)
    if before != instance.stock and instance.fell_below_threshold(before):
        stock_low.send(
            sender=Product,
            product=instance,
            stock=instance.stock,
            threshold=instance.low_stock_threshold,
        )
    instance._stock_as_read = instance.stock
