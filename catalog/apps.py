from django.apps import AppConfig


class CatalogConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "catalog"

    def ready(self):
        # App loading: models (and the receivers that use them) import once the registry is
        # ready, so here and not at the top of this module.
        from django.db.models.signals import post_delete, post_save

        from merchant.models import Store

        from . import receivers
        from .models import (
            Category,
            CategoryLocalization,
            Product,
            ProductLocalization,
            ProductSynonym,
        )

        post_save.connect(
            receivers.store_created, sender=Store, dispatch_uid="catalog-revision-store"
        )
        for model in (Category, CategoryLocalization, Product, ProductLocalization, ProductSynonym):
            uid = f"catalog-revision-{model.__name__}"
            post_save.connect(receivers.counted, sender=model, dispatch_uid=uid)
            post_delete.connect(
                receivers.counted_deleted, sender=model, dispatch_uid=f"{uid}-deleted"
            )
        post_save.connect(receivers.stock_watched, sender=Product, dispatch_uid="catalog-stock-low")
