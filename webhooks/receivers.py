"""Catalog events as webhooks (connected in apps.py): ``product.updated`` and ``stock.low``,
recorded in the transaction of the change (``webhook_event_emit``), with the product as
``GET /api/products/<id>/`` answers."""

from catalog.api import ProductSerializer
from catalog.models import Product

from .models import WebhookEventType
from .services import webhook_event_emit


def _product_data(product_id: int) -> dict:
    product = Product.objects.prefetch_related("localizations", "synonyms").get(pk=product_id)
    return dict(ProductSerializer(product).data)


def product_updated(sender, product, **kwargs):
    webhook_event_emit(
        store=product.store_id,
        type=WebhookEventType.PRODUCT_UPDATED,
        data=lambda: {"product": _product_data(product.pk)},
    )


def stock_low(sender, product, stock, threshold, **kwargs):
    webhook_event_emit(
        store=product.store_id,
        type=WebhookEventType.STOCK_LOW,
        data=lambda: {
            "product": _product_data(product.pk),
            "stock": stock,
            "threshold": threshold,
        },
    )
