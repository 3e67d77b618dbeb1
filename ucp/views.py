"""The REST binding (checkout-rest.md, order-rest.md) at ``/ucp/<store-slug>/``: thin views
that read the request, negotiate, call the services and render the JSON.

Every operation but the profile needs the ``UCP-Agent`` header; state-changing ones honour
``Idempotency-Key``. A refusal answers the spec's error response; an unexpected body never
reaches a service unchecked (``parsing``), so bad input is a 4xx with nothing written.
"""

import json
from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from merchant.domains import ucp_root
from merchant.models import Store
from orders.errors import OrderError
from shoppers.models import ShopperAccount

from . import idempotency
from .models import CheckoutSession
from .negotiation import Platform, negotiate
from .operations import checkout as operations
from .parsing import json_body
from .presenters import order_json
from .profile import business_profile
from .protocol import CHECKOUT, ORDER, UcpError, error_body, not_found
from .request_signatures import verify_request
from .services import agent_errors
from .services.order_updates import order_simulate_shipping
from .signing import sign_response
from .simulation import check_simulation_secret
from .wallet import linked_shopper

JSON = "application/json"


def render(
    status: int, body: dict[str, Any] | str, *, store: Store | None = None, sign: bool = False
) -> HttpResponse:
    text = body if isinstance(body, str) else json.dumps(body, separators=(",", ":"))
    response = HttpResponse(text, status=status, content_type=JSON)
    if sign and store is not None:
        for name, value in sign_response(
            store=store, status=status, body=text.encode(), content_type=JSON
        ).items():
            response[name] = value
    return response


def error_response(error: UcpError) -> HttpResponse:
    response = render(error.status, error_body(error))
    for name, value in error.headers.items():
        response[name] = value
    return response


def base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _store(slug: str) -> Store:
    # A store with UCP switched off has no UCP root: 404, its profile included.
    store = Store.objects.filter(slug=slug, ucp_enabled=True).first()
    if store is None:
        raise not_found("Store")
    return store


def _require(platform: Platform, capability: str) -> None:
    if capability not in platform.capabilities:
        raise UcpError(
            200,
            "capabilities_incompatible",
            f"The platform profile and this business share no {capability} capability.",
            severity="unrecoverable",
        )


Operation = Callable[[HttpRequest, Store, Platform], tuple[int, dict[str, Any]]]


def _run(
    request: HttpRequest, slug: str, operation: Operation, *, idempotent: bool, sign: bool = False
) -> HttpResponse:
    response = _answer(request, slug, operation, idempotent=idempotent, sign=sign)
    store = getattr(request, "ucp_store", None)
    if store is not None and agent_errors.is_error_answer(response):
        agent_errors.agent_error_record(store=store, request=request, response=response)
    return response


def _answer(
    request: HttpRequest, slug: str, operation: Operation, *, idempotent: bool, sign: bool = False
) -> HttpResponse:
    try:
        store = request.ucp_store = _store(slug)  # type: ignore[attr-defined]
        platform = negotiate(request.headers.get("UCP-Agent", ""))
        request.ucp_platform = platform  # type: ignore[attr-defined]
        verify_request(request, platform.signing_keys)
        key = idempotency.check_key(request.headers.get("Idempotency-Key", ""))
        if not (idempotent and key):
            status, body = operation(request, store, platform)
            return render(status, body, store=store, sign=sign)
        reply = idempotency.once(
            store=store,
            key=idempotency.scoped_key(profile_url=platform.profile_url, key=key),
            request_hash=idempotency.fingerprint(
                method=request.method or "", path=request.path, raw_body=request.body
            ),
            operation=lambda: operation(request, store, platform),
        )
        return render(reply.status, reply.body, store=store, sign=sign)
    except UcpError as exc:
        return error_response(exc)


# Operations: the REST side of ucp.operations (the request's shopper, body and base URL) ------


def _shopper(request: HttpRequest, store: Store) -> ShopperAccount | None:
    return linked_shopper(request, store, base_url=base_url(request))


def _create(request: HttpRequest, store: Store, platform: Platform) -> tuple[int, dict]:
    _require(platform, CHECKOUT)
    shopper = _shopper(request, store)
    return operations.create_checkout(
        store=store,
        platform=platform,
        shopper=shopper,
        payload=json_body(request.body),
        base_url=base_url(request),
    )


@csrf_exempt
def checkout_sessions(request: HttpRequest, store_slug: str) -> HttpResponse:
    if request.method != "POST":
        return error_response(UcpError(405, "method_not_allowed", "Use POST."))
    return _run(request, store_slug, _create, idempotent=True)


@csrf_exempt
def checkout_session(request: HttpRequest, store_slug: str, checkout_id: str) -> HttpResponse:
    def get(req: HttpRequest, store: Store, platform: Platform) -> tuple[int, dict]:
        _require(platform, CHECKOUT)
        shopper = _shopper(req, store)
        return operations.get_checkout(
            store=store,
            platform=platform,
            shopper=shopper,
            checkout_id=checkout_id,
            base_url=base_url(req),
        )

    def put(req: HttpRequest, store: Store, platform: Platform) -> tuple[int, dict]:
        _require(platform, CHECKOUT)
        shopper = _shopper(req, store)
        return operations.update_checkout(
            store=store,
            platform=platform,
            shopper=shopper,
            checkout_id=checkout_id,
            payload=lambda: json_body(req.body),
            base_url=base_url(req),
        )

    if request.method == "GET":
        return _run(request, store_slug, get, idempotent=False)
    if request.method == "PUT":
        return _run(request, store_slug, put, idempotent=True)
    return error_response(UcpError(405, "method_not_allowed", "Use GET or PUT."))


@csrf_exempt
def checkout_complete_view(request: HttpRequest, store_slug: str, checkout_id: str) -> HttpResponse:
    def complete(req: HttpRequest, store: Store, platform: Platform) -> tuple[int, dict]:
        _require(platform, CHECKOUT)
        shopper = _shopper(req, store)
        return operations.complete_checkout(
            store=store,
            platform=platform,
            shopper=shopper,
            checkout_id=checkout_id,
            payload=lambda: json_body(req.body),
            base_url=base_url(req),
        )

    if request.method != "POST":
        return error_response(UcpError(405, "method_not_allowed", "Use POST."))
    return _run(request, store_slug, complete, idempotent=True, sign=True)


@csrf_exempt
def checkout_cancel_view(request: HttpRequest, store_slug: str, checkout_id: str) -> HttpResponse:
    def cancel(req: HttpRequest, store: Store, platform: Platform) -> tuple[int, dict]:
        _require(platform, CHECKOUT)
        json_body(req.body, required=False)
        return operations.cancel_checkout(
            store=store, platform=platform, checkout_id=checkout_id, base_url=base_url(req)
        )

    if request.method != "POST":
        return error_response(UcpError(405, "method_not_allowed", "Use POST."))
    return _run(request, store_slug, cancel, idempotent=True)


@csrf_exempt
def order_view(request: HttpRequest, store_slug: str, order_id: str) -> HttpResponse:
    def get(req: HttpRequest, store: Store, platform: Platform) -> tuple[int, dict]:
        return operations.get_order(store=store, platform=platform, order_id=order_id)

    def put(req: HttpRequest, store: Store, platform: Platform) -> tuple[int, dict]:
        return operations.record_order_reports(
            store=store, platform=platform, order_id=order_id, payload=lambda: json_body(req.body)
        )

    if request.method == "GET":
        return _run(request, store_slug, get, idempotent=False)
    if request.method == "PUT":
        return _run(request, store_slug, put, idempotent=True)
    return error_response(UcpError(405, "method_not_allowed", "Use GET or PUT."))


@csrf_exempt
def simulate_shipping(request: HttpRequest, store_slug: str, order_id: str) -> HttpResponse:
    """Test deployments only (``UCP_SIMULATION_SECRET``): 404 when unset, 403 without the
    right ``Simulation-Secret`` header; ships the order and answers its new state."""
    try:
        check_simulation_secret(request.headers.get("Simulation-Secret", ""))
        if request.method != "POST":
            raise UcpError(405, "method_not_allowed", "Use POST.")
        store = _store(store_slug)
        session = (
            CheckoutSession.objects.select_related("store", "order")
            .filter(store=store, order_public_id=order_id)
            .first()
        )
        if session is None:
            raise not_found("Order")
        try:
            session = order_simulate_shipping(session=session)
        except OrderError as exc:
            raise UcpError(409, str(exc.code), exc.message) from exc
        return render(200, order_json(session, capabilities=frozenset({ORDER})))
    except UcpError as exc:
        return error_response(exc)


def profile_view(request: HttpRequest, store_slug: str) -> HttpResponse:
    try:
        store = _store(store_slug)
    except UcpError as exc:
        return error_response(exc)
    profile = business_profile(
        store, base_url=base_url(request), endpoint=ucp_root(request, store.slug)
    )
    response = render(200, profile)
    response["Cache-Control"] = "public, max-age=300"
    return response
