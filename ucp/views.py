"""The REST binding (checkout-rest.md, order-rest.md) at ``/ucp/<store-slug>/``: thin views
that read the request, negotiate, call the services and render the JSON.

Every operation but the profile needs the ``UCP-Agent`` header; state-changing ones honour
``Idempotency-Key``. A refusal answers the spec's error response; an unexpected body never
reaches a service unchecked (``parsing``), so bad input is a 4xx with nothing written.
"""

import json
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from merchant.domains import ucp_root
from merchant.models import Store
from orders.errors import OrderError
from shoppers.models import ShopperAccount

from . import idempotency
from .models import CheckoutSession
from .negotiation import Platform, negotiate
from .operations.cart import cart_checkout
from .parsing import checkout_input, json_body
from .presenters import checkout_json, order_json
from .profile import business_profile
from .protocol import CART, CHECKOUT, ORDER, UcpError, error_body, not_found
from .request_signatures import verify_request
from .selectors import session_for_order, session_for_platform
from .services import agent_errors
from .services.checkout import NothingAvailable, checkout_create, checkout_update
from .services.completion import checkout_cancel, checkout_complete
from .services.order_updates import order_record_platform_reports, order_simulate_shipping
from .signing import sign_response
from .simulation import check_simulation_secret
from .wallet import linked_shopper, offered_instruments, owns_order, with_shopper_defaults

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
        key = idempotency.scoped_key(profile_url=platform.profile_url, key=key)
        request_hash = idempotency.fingerprint(
            method=request.method or "", path=request.path, raw_body=request.body
        )
        replay = idempotency.stored_reply(store=store, key=key, request_hash=request_hash)
        if replay is not None:
            return render(replay.status, replay.body, store=store, sign=sign)
        try:
            with transaction.atomic():
                try:
                    with transaction.atomic():  # a refusal undoes the operation's writes only
                        status, body = operation(request, store, platform)
                except UcpError as exc:
                    if exc.headers:  # a challenge (401): answered as is, not remembered
                        raise
                    status, body = exc.status, error_body(exc)
                text = json.dumps(body, separators=(",", ":"))
                idempotency.remember(
                    store=store,
                    key=key,
                    request_hash=request_hash,
                    reply=idempotency.Reply(status, text),
                )
        except IntegrityError:
            replay = idempotency.stored_reply(store=store, key=key, request_hash=request_hash)
            if replay is None:
                raise
            return render(replay.status, replay.body, store=store, sign=sign)
        return render(status, text, store=store, sign=sign)
    except UcpError as exc:
        return error_response(exc)


# Operations ---------------------------------------------------------------------------------


def _create(request: HttpRequest, store: Store, platform: Platform) -> tuple[int, dict]:
    _require(platform, CHECKOUT)
    shopper = linked_shopper(request, store, base_url=base_url(request))
    body = json_body(request.body)
    if CART in platform.capabilities and body.get("cart_id") is not None:
        return cart_checkout(
            store=store,
            platform=platform,
            shopper=shopper,
            payload=body,
            base_url=base_url(request),
        )
    data = checkout_input(with_shopper_defaults(body, shopper))
    try:
        session = checkout_create(
            store=store,
            platform=platform,
            data=data,
            base_url=base_url(request),
            customer=shopper.customer if shopper else None,
        )
    except NothingAvailable as exc:
        body = error_body(exc, continue_url=f"{base_url(request)}/shop/{store.slug}/")
        return 200, body
    return 201, _checkout(request, session, platform, shopper)


def _checkout(
    request: HttpRequest,
    session: CheckoutSession,
    platform: Platform,
    shopper: ShopperAccount | None,
) -> dict[str, Any]:
    return checkout_json(
        session,
        capabilities=platform.capabilities,
        base_url=base_url(request),
        offered=offered_instruments(shopper, session.order.customer_id),
    )


def _session(
    request: HttpRequest, store: Store, platform: Platform, public_id: str
) -> CheckoutSession:
    session = session_for_platform(store=store, public_id=public_id, platform=platform)
    if session is None:
        raise not_found("Checkout session")
    return session


@csrf_exempt
def checkout_sessions(request: HttpRequest, store_slug: str) -> HttpResponse:
    if request.method != "POST":
        return error_response(UcpError(405, "method_not_allowed", "Use POST."))
    return _run(request, store_slug, _create, idempotent=True)


@csrf_exempt
def checkout_session(request: HttpRequest, store_slug: str, checkout_id: str) -> HttpResponse:
    def get(req: HttpRequest, store: Store, platform: Platform) -> tuple[int, dict]:
        _require(platform, CHECKOUT)
        shopper = linked_shopper(req, store, base_url=base_url(req))
        session = _session(req, store, platform, checkout_id)
        return 200, _checkout(req, session, platform, shopper)

    def put(req: HttpRequest, store: Store, platform: Platform) -> tuple[int, dict]:
        _require(platform, CHECKOUT)
        shopper = linked_shopper(req, store, base_url=base_url(req))
        session = _session(req, store, platform, checkout_id)
        if not owns_order(shopper, session.order.customer_id):
            shopper = None  # another shopper's defaults never go into this session
        data = checkout_input(with_shopper_defaults(json_body(req.body), shopper))
        session = checkout_update(session=session, data=data)
        return 200, _checkout(req, session, platform, shopper)

    if request.method == "GET":
        return _run(request, store_slug, get, idempotent=False)
    if request.method == "PUT":
        return _run(request, store_slug, put, idempotent=True)
    return error_response(UcpError(405, "method_not_allowed", "Use GET or PUT."))


@csrf_exempt
def checkout_complete_view(request: HttpRequest, store_slug: str, checkout_id: str) -> HttpResponse:
    def complete(req: HttpRequest, store: Store, platform: Platform) -> tuple[int, dict]:
        _require(platform, CHECKOUT)
        shopper = linked_shopper(req, store, base_url=base_url(req))
        session = _session(req, store, platform, checkout_id)
        session = checkout_complete(
            session=session, body=json_body(req.body), platform=platform, shopper=shopper
        )
        return 200, _checkout(req, session, platform, shopper)

    if request.method != "POST":
        return error_response(UcpError(405, "method_not_allowed", "Use POST."))
    return _run(request, store_slug, complete, idempotent=True, sign=True)


@csrf_exempt
def checkout_cancel_view(request: HttpRequest, store_slug: str, checkout_id: str) -> HttpResponse:
    def cancel(req: HttpRequest, store: Store, platform: Platform) -> tuple[int, dict]:
        _require(platform, CHECKOUT)
        json_body(req.body, required=False)
        session = checkout_cancel(session=_session(req, store, platform, checkout_id))
        return 200, checkout_json(
            session, capabilities=platform.capabilities, base_url=base_url(req)
        )

    if request.method != "POST":
        return error_response(UcpError(405, "method_not_allowed", "Use POST."))
    return _run(request, store_slug, cancel, idempotent=True)


@csrf_exempt
def order_view(request: HttpRequest, store_slug: str, order_id: str) -> HttpResponse:
    def find(store: Store, platform: Platform) -> CheckoutSession:
        _require(platform, ORDER)
        session = session_for_order(store=store, order_public_id=order_id, platform=platform)
        if session is None:
            raise not_found("Order")
        return session

    def get(req: HttpRequest, store: Store, platform: Platform) -> tuple[int, dict]:
        return 200, order_json(find(store, platform), capabilities=platform.capabilities)

    def put(req: HttpRequest, store: Store, platform: Platform) -> tuple[int, dict]:
        session = find(store, platform)
        body = json_body(req.body)
        shown = order_json(session, capabilities=platform.capabilities)
        session = order_record_platform_reports(session=session, body=body, shown=shown)
        return 200, order_json(session, capabilities=platform.capabilities)

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
