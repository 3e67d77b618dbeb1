"""The REST binding of the catalog and cart capabilities (catalog/rest.md, cart-rest.md):
thin views that negotiate (``views._run``: the ``UCP-Agent`` profile, request signatures,
``Idempotency-Key``), read the JSON body and the linked shopper, and call the transport-
neutral operations of ``ucp.operations``."""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from merchant.models import Store
from shoppers.models import ShopperAccount

from .negotiation import Platform
from .operations import cart, catalog
from .parsing import json_body
from .protocol import UcpError
from .views import _run, base_url, error_response
from .wallet import linked_shopper

Handler = Callable[..., tuple[int, dict[str, Any]]]


def _with_language(request: HttpRequest, payload: dict[str, Any]) -> dict[str, Any]:
    """``context.language`` from ``Accept-Language`` when the body gives none
    (types/context.json: for REST the header is the fallback)."""
    header = request.headers.get("Accept-Language", "")
    first = header.split(",")[0].split(";")[0].strip()
    context = payload.get("context")
    if not first or first == "*" or context is not None and not isinstance(context, dict):
        return payload
    if isinstance(context, dict) and context.get("language") is not None:
        return payload
    return {**payload, "context": {**(context or {}), "language": first[:35]}}


def _call(handler: Handler, *, body: bool = True, optional: bool = False, **extra: str) -> Any:
    """The REST call of ``handler``: the shopper of the bearer token, the JSON body as the
    payload (none for a GET; may be empty when ``optional``)."""

    def operation(request: HttpRequest, store: Store, platform: Platform) -> tuple[int, dict]:
        root = base_url(request)
        shopper: ShopperAccount | None = linked_shopper(request, store, base_url=root)
        payload = {}
        if body:
            payload = _with_language(request, json_body(request.body, required=not optional))
        return handler(
            store=store, platform=platform, shopper=shopper, payload=payload, base_url=root, **extra
        )

    return operation


def _post(request: HttpRequest, store_slug: str, handler: Handler) -> HttpResponse:
    if request.method != "POST":
        return error_response(UcpError(405, "method_not_allowed", "Use POST."))
    return _run(request, store_slug, _call(handler), idempotent=False)


@csrf_exempt
def catalog_search_view(request: HttpRequest, store_slug: str) -> HttpResponse:
    return _post(request, store_slug, catalog.catalog_search)


@csrf_exempt
def catalog_lookup_view(request: HttpRequest, store_slug: str) -> HttpResponse:
    return _post(request, store_slug, catalog.catalog_lookup)


@csrf_exempt
def catalog_product_view(request: HttpRequest, store_slug: str) -> HttpResponse:
    return _post(request, store_slug, catalog.catalog_get_product)


@csrf_exempt
def carts_view(request: HttpRequest, store_slug: str) -> HttpResponse:
    if request.method != "POST":
        return error_response(UcpError(405, "method_not_allowed", "Use POST."))
    return _run(request, store_slug, _call(cart.cart_create), idempotent=True)


@csrf_exempt
def cart_view(request: HttpRequest, store_slug: str, cart_id: str) -> HttpResponse:
    if request.method == "GET":
        return _run(
            request, store_slug, _call(cart.cart_get, body=False, cart_id=cart_id), idempotent=False
        )
    if request.method == "PUT":
        return _run(request, store_slug, _call(cart.cart_update, cart_id=cart_id), idempotent=True)
    return error_response(UcpError(405, "method_not_allowed", "Use GET or PUT."))


@csrf_exempt
def cart_cancel_view(request: HttpRequest, store_slug: str, cart_id: str) -> HttpResponse:
    if request.method != "POST":
        return error_response(UcpError(405, "method_not_allowed", "Use POST."))
    return _run(
        request,
        store_slug,
        _call(cart.cart_cancel, optional=True, cart_id=cart_id),
        idempotent=True,
    )
