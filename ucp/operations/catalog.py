"""Catalog search and lookup (catalog/search.md, catalog/lookup.md; REST ``POST
/catalog/search``, ``/catalog/lookup``, ``/catalog/product``; MCP ``search_catalog``,
``lookup_catalog``, ``get_product``).

The store's active products, one variant each (its id is the SKU, the checkout's item id),
prices in the store's currency, availability from the stock, texts in ``context.language``
where the product is translated. Search pages with an opaque cursor (10 by default, at most
50 a page); lookup takes at most 50 ids (more: 400 ``request_too_large``) and answers the ones
it finds, with an info message per id it does not; get_product answers one product or the
in-band ``not_found`` error.
"""

import base64
import binascii
from decimal import Decimal
from typing import Any

from alexa.currency import minor_units
from merchant.models import Store
from shoppers.models import ShopperAccount

from ..catalog_presenters import product_json
from ..catalog_selectors import CatalogQuery, catalog_by_ids, catalog_page, store_locale
from ..catalog_selectors import product_id as product_id_of
from ..negotiation import Platform
from ..parsing import array, integer, obj, text
from ..presenters import ucp_envelope
from ..protocol import CATALOG_LOOKUP, CATALOG_SEARCH, UcpError, bad_request
from .common import Reply, answer, base_of, require

DEFAULT_LIMIT = 10
MAX_LIMIT = 50
MAX_IDS = 50
MAX_OFFSET = 1_000_000
MAX_AMOUNT = 10**12


def _context(payload: dict[str, Any]) -> dict[str, str]:
    raw = obj(payload.get("context"), "$.context")
    return {
        "language": text(raw.get("language"), "$.context.language", limit=35),
        "currency": text(raw.get("currency"), "$.context.currency", limit=3).upper(),
    }


def _filters(
    payload: dict[str, Any], store: Store, context: dict[str, str]
) -> tuple[CatalogQuery, list[dict[str, Any]]]:
    """The filters (categories, price in minor units) as a query in the store's currency,
    and the messages about filters left unapplied."""
    raw = obj(payload.get("filters"), "$.filters")
    names = array(raw.get("categories"), "$.filters.categories", limit=20)
    categories = tuple(
        name
        for i, value in enumerate(names)
        if (name := text(value, f"$.filters.categories[{i}]", limit=80))
    )
    price = obj(raw.get("price"), "$.filters.price")
    bounds: dict[str, Decimal | None] = {"min": None, "max": None}
    messages: list[dict[str, Any]] = []
    for name in ("min", "max"):
        if price.get(name) is not None:
            amount = integer(price[name], f"$.filters.price.{name}", minimum=0, maximum=MAX_AMOUNT)
            bounds[name] = Decimal(amount) / (10 ** minor_units(store.currency))
    if (bounds["min"] is not None or bounds["max"] is not None) and context["currency"] not in (
        "",
        store.currency,
    ):
        messages.append(
            {
                "type": "info",
                "code": "filter_ignored",
                "path": "$.filters.price",
                "content": f"This store sells in {store.currency}; the price filter in "
                f"{context['currency']} was not applied.",
            }
        )
        bounds = {"min": None, "max": None}
    query = CatalogQuery(categories=categories, price_min=bounds["min"], price_max=bounds["max"])
    return query, messages


def _cursor_offset(value: Any) -> int:
    cursor = text(value, "$.pagination.cursor", limit=100)
    if not cursor:
        return 0
    try:
        decoded = base64.urlsafe_b64decode(cursor.encode() + b"==").decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        decoded = ""
    kind, _, number = decoded.partition(":")
    if kind != "o" or not number.isdigit() or int(number) > MAX_OFFSET:
        raise bad_request(
            "$.pagination.cursor is not a cursor of this store.", path="$.pagination.cursor"
        )
    return int(number)


def _cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"o:{offset}".encode()).decode().rstrip("=")


def _envelope(platform: Platform, capability: str) -> dict[str, Any]:
    return ucp_envelope(platform.capabilities, (capability,))


def catalog_search(
    *,
    store: Store,
    platform: Platform,
    shopper: ShopperAccount | None,
    payload: dict[str, Any],
    base_url: str = "",
) -> Reply:
    """``POST /catalog/search``: a page of the store's products matching the query text
    (every word, in names, descriptions, SKU, category, synonyms, translations) and
    filters. At least one of ``query`` or ``filters`` (400 otherwise)."""

    def run() -> Reply:
        require(platform, CATALOG_SEARCH)
        query_text = text(payload.get("query"), "$.query", limit=500)
        context = _context(payload)
        filters, messages = _filters(payload, store, context)
        if not query_text and payload.get("filters") is None:
            raise bad_request("Give a query or filters to search with.", path="$.query")
        pagination = obj(payload.get("pagination"), "$.pagination")
        limit = DEFAULT_LIMIT
        if pagination.get("limit") is not None:
            limit = integer(
                pagination["limit"], "$.pagination.limit", minimum=1, maximum=MAX_AMOUNT
            )
        limit = min(limit, MAX_LIMIT)
        offset = _cursor_offset(pagination.get("cursor"))
        query = CatalogQuery(
            terms=tuple(query_text.split()),
            categories=filters.categories,
            price_min=filters.price_min,
            price_max=filters.price_max,
        )
        products, total = catalog_page(store=store, query=query, offset=offset, limit=limit)
        locale = store_locale(store, context["language"])
        shop_url = f"{base_of(base_url)}/shop/{store.slug}"
        more = offset + len(products) < total
        page: dict[str, Any] = {"has_next_page": more, "total_count": total}
        if more:
            page["cursor"] = _cursor(offset + len(products))
        body: dict[str, Any] = {
            "ucp": _envelope(platform, CATALOG_SEARCH),
            "products": [product_json(p, locale=locale, shop_url=shop_url) for p in products],
            "pagination": page,
        }
        if messages:
            body["messages"] = messages
        return 200, body

    return answer(run)


def _ids(payload: dict[str, Any]) -> list[str]:
    raw = payload.get("ids")
    if isinstance(raw, list) and len(raw) > MAX_IDS:
        raise UcpError(
            400,
            "request_too_large",
            f"Look up at most {MAX_IDS} ids at once.",
            path="$.ids",
        )
    ids = array(raw, "$.ids", limit=MAX_IDS, optional=False)
    if not ids:
        raise bad_request("$.ids needs at least one id.", path="$.ids")
    found = [text(v, f"$.ids[{i}]", limit=100, required=True) for i, v in enumerate(ids)]
    return list(dict.fromkeys(found))


def catalog_lookup(
    *,
    store: Store,
    platform: Platform,
    shopper: ShopperAccount | None,
    payload: dict[str, Any],
    base_url: str = "",
) -> Reply:
    """``POST /catalog/lookup``: the products ``ids`` name (product or variant ids), each
    once, its variant correlated to the ids that found it; an info ``not_found`` message
    per id that names nothing of this store."""

    def run() -> Reply:
        require(platform, CATALOG_LOOKUP)
        ids = _ids(payload)
        context = _context(payload)
        query, messages = _filters(payload, store, context)
        products = catalog_by_ids(store=store, ids=ids, query=query)
        locale = store_locale(store, context["language"])
        shop_url = f"{base_of(base_url)}/shop/{store.slug}"
        by_id = {product_id_of(p): p for p in products}
        by_sku = {p.sku: p for p in products}
        inputs: dict[int, list[dict[str, str]]] = {}
        for wanted in ids:
            if wanted in by_sku:
                inputs.setdefault(by_sku[wanted].pk, []).append({"id": wanted, "match": "exact"})
            elif wanted in by_id:
                inputs.setdefault(by_id[wanted].pk, []).append({"id": wanted, "match": "featured"})
            else:
                messages.append({"type": "info", "code": "not_found", "content": wanted})
        body: dict[str, Any] = {
            "ucp": _envelope(platform, CATALOG_LOOKUP),
            "products": [
                product_json(p, locale=locale, shop_url=shop_url, inputs=inputs[p.pk])
                for p in products
                if p.pk in inputs
            ],
        }
        if messages:
            body["messages"] = messages
        return 200, body

    return answer(run)


def catalog_get_product(
    *,
    store: Store,
    platform: Platform,
    shopper: ShopperAccount | None,
    payload: dict[str, Any],
    base_url: str = "",
) -> Reply:
    """``POST /catalog/product``: one product by product or variant id, in full (this
    store's products have no option axes: ``selected`` and ``preferences`` are accepted
    and have nothing to narrow); an id of nothing here is the in-band ``not_found`` error."""

    def run() -> Reply:
        require(platform, CATALOG_LOOKUP)
        wanted = text(payload.get("id"), "$.id", limit=100, required=True)
        for i, entry in enumerate(array(payload.get("selected"), "$.selected", limit=20)):
            option = obj(entry, f"$.selected[{i}]", optional=False)
            text(option.get("name"), f"$.selected[{i}].name", required=True)
            text(option.get("label"), f"$.selected[{i}].label", required=True)
        for i, name in enumerate(array(payload.get("preferences"), "$.preferences", limit=20)):
            text(name, f"$.preferences[{i}]")
        context = _context(payload)
        query, messages = _filters(payload, store, context)
        found = catalog_by_ids(store=store, ids=[wanted], query=query)
        if not found:
            raise UcpError(
                200, "not_found", f"Product not found: {wanted}", severity="unrecoverable"
            )
        shop_url = f"{base_of(base_url)}/shop/{store.slug}"
        product = product_json(
            found[0], locale=store_locale(store, context["language"]), shop_url=shop_url
        )
        body: dict[str, Any] = {"ucp": _envelope(platform, CATALOG_LOOKUP), "product": product}
        if messages:
            body["messages"] = messages
        return 200, body

    return answer(run)
