"""Products as the catalog capabilities show them (types/product.json, types/variant.json):
one product per catalog entry with one variant whose id is the SKU (the checkout's
``line_items[].item.id``), prices in minor units of the store's currency, availability from
the stock, and the texts of the requested locale where the product has them."""

from typing import Any

from catalog.models import Product

from .catalog_selectors import product_id
from .presenters import minor


def _texts(product: Product, locale: str | None) -> tuple[str, str]:
    """The title and plain description in ``locale``, else the product's own."""
    title = product.name
    description = product.card_description or product.spoken_description
    if locale:
        for loc in product.localizations.all():
            if loc.locale == locale:
                title = loc.spoken_name or title
                description = loc.card_description or loc.spoken_description or description
    return title, description or title


def availability(product: Product) -> dict[str, Any]:
    if product.stock is not None and product.stock <= 0:
        return {"available": False, "status": "out_of_stock"}
    return {"available": True, "status": "in_stock"}


def price(product: Product) -> dict[str, Any]:
    return {"amount": minor(product.price, product.currency), "currency": product.currency}


def product_json(
    product: Product,
    *,
    locale: str | None,
    shop_url: str,
    inputs: list[dict[str, str]] | None = None,
) -> dict[str, Any]:
    """The product for a platform; ``shop_url``: the store's web shop (its product pages);
    ``inputs``: the lookup's correlation of request ids."""
    title, description = _texts(product, locale)
    url = f"{shop_url}/p/{product.pk}/" if shop_url else ""
    variant: dict[str, Any] = {
        "id": product.sku,
        "sku": product.sku,
        "title": title,
        "description": {"plain": description},
        "price": price(product),
        "availability": availability(product),
    }
    if url:
        variant["url"] = url
    if inputs is not None:
        variant["inputs"] = inputs
    body: dict[str, Any] = {
        "id": product_id(product),
        "title": title,
        "description": {"plain": description},
        "categories": [{"value": product.category.name, "taxonomy": "merchant"}],
        "price_range": {"min": price(product), "max": price(product)},
        "variants": [variant],
    }
    if url:
        body["url"] = url
    if product.image_url:
        body["media"] = [{"type": "image", "url": product.image_url, "alt_text": title}]
    if product.best_seller:
        body["tags"] = ["best_seller"]
    return body
