from django.apps import AppConfig


def _store_created(sender, instance, created=False, raw=False, **kwargs):
    from .services import catalog_revision_start

    if created and not raw:
        catalog_revision_start(store_id=instance.pk)


def _counted(sender, instance, update_fields=None, raw=False, **kwargs):
    """A catalog row was saved: count it in the store's catalog revision."""
    from .models import Product
    from .services import STOCK_ONLY_FIELDS, catalog_revision_bump

    if raw or (sender is Product and update_fields and set(update_fields) <= STOCK_ONLY_FIELDS):
        return
    if instance.store_id:
        catalog_revision_bump(store_id=instance.store_id)


def _counted_deleted(sender, instance, **kwargs):
    """A catalog row was deleted (maybe with its store): count it, creating nothing."""
    from .services import catalog_revision_bump

    if instance.store_id:
        catalog_revision_bump(store_id=instance.store_id, create=False)


class CatalogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "catalog"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from merchant.models import Store

        from .models import (
            Category,
            CategoryLocalization,
            Product,
            ProductLocalization,
            ProductSynonym,
        )

        post_save.connect(_store_created, sender=Store, dispatch_uid="catalog-revision-store")
        for model in (Category, CategoryLocalization, Product, ProductLocalization, ProductSynonym):
            uid = f"catalog-revision-{model.__name__}"
            post_save.connect(_counted, sender=model, dispatch_uid=uid)
            post_delete.connect(_counted_deleted, sender=model, dispatch_uid=f"{uid}-deleted")
