"""Creating and updating checkout sessions: a session is a draft order, filled through the
orders services (``cart_start``, ``cart_set_items``, discount codes, shipping option,
contact), so an agent pays the same prices, tax and shipping as voice and web.

An update replaces the session's state (checkout.md: full replacement). Problems the
platform can fix are messages on the session (a quantity cut to the stock, a code that does
not apply); a create whose every item is unavailable makes no session and answers the
spec's in-band error.
"""

import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from catalog.models import Product
from discounts.selectors import discounts_evaluate
from merchant.models import Store
from orders import services as orders
from orders.models import Customer, CustomerEventSource, OrderSource

from ..fulfillment import (
    ShippingOption,
    known_addresses,
    normalized_address,
    reconcile_destinations,
    shipping_options,
    to_portal_address,
)
from ..models import CheckoutSession, SessionStatus
from ..negotiation import Platform
from ..parsing import CheckoutInput, LineItemInput, text
from ..protocol import UcpError, error_message, warning_message

SESSION_LIFETIME = timedelta(hours=6)
REJECTION_CODES = {
    "unknown": "discount_code_invalid",
    "expired": "discount_code_expired",
    "not_yet_valid": "discount_code_invalid",
    "inactive": "discount_code_invalid",
    "used_up": "discount_code_invalid",
}


@dataclass
class LinesResult:
    items: list[orders.CartItem] = field(default_factory=list)
    lines: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    failure_codes: list[str] = field(default_factory=list)


class NothingAvailable(UcpError):
    """No requested item can be sold: no session is made (checkout-rest.md)."""


def _merge_duplicates(wanted: list[LineItemInput]) -> list[LineItemInput]:
    merged: dict[str, LineItemInput] = {}
    for line in wanted:
        seen = merged.get(line.sku)
        merged[line.sku] = (
            LineItemInput(id=seen.id, sku=seen.sku, quantity=seen.quantity + line.quantity)
            if seen
            else line
        )
    return list(merged.values())


def resolve_lines(
    *, store: Store, wanted: list[LineItemInput], previous_ids: set[str], next_number: int
) -> tuple[LinesResult, int]:
    """The cart items for the requested lines: unknown or unsellable items left out with an
    error message, quantities above the stock cut to it with a warning."""
    result = LinesResult()
    wanted = _merge_duplicates(wanted)
    products = {
        p.sku: p for p in Product.objects.filter(store=store, sku__in=[w.sku for w in wanted])
    }
    for index, line in enumerate(wanted):
        path = f"$.line_items[{index}]"
        product = products.get(line.sku)
        if product is None or not product.active:
            code = "not_found" if product is None else "item_unavailable"
            result.failure_codes.append(code)
            result.messages.append(
                error_message(code, f"Item {line.sku} not found in this store.", path=path)
                if product is None
                else error_message(code, f"{product.name} is not for sale.", path=path)
            )
            continue
        quantity = line.quantity
        if product.stock is not None and product.stock < quantity:
            if product.stock == 0:
                result.failure_codes.append("out_of_stock")
                result.messages.append(
                    error_message("out_of_stock", f"{product.name} is out of stock.", path=path)
                )
                continue
            result.messages.append(
                warning_message(
                    "quantity_adjusted",
                    f"Quantity adjusted: {quantity} requested, {product.stock} in stock.",
                    path=f"{path}.quantity",
                )
            )
            quantity = product.stock
        line_id = line.id if line.id in previous_ids else f"li_{next_number}"
        if line_id == f"li_{next_number}":
            next_number += 1
        result.items.append(orders.CartItem(product=product, quantity=quantity))
        result.lines.append({"id": line_id, "sku": product.sku, "quantity": quantity})
    return result, next_number


def _discount_messages(session: CheckoutSession, codes: list[str]) -> list[dict[str, Any]]:
    order = session.order
    evaluation = discounts_evaluate(store=session.store, codes=codes, subtotal=order.subtotal)
    return [
        warning_message(
            REJECTION_CODES.get(r.reason, "discount_code_invalid"),
            f"Code '{r.code}' cannot be applied.",
            path=f"$.discounts.codes[{codes.index(r.code) if r.code in codes else 0}]",
        )
        for r in evaluation.rejected
    ]


def plan_fulfillment(
    session: CheckoutSession, requested: dict[str, Any] | None
) -> tuple[dict[str, str] | None, ShippingOption | None]:
    """The session's shipping method after a request: its selected destination and the
    chosen shipping option (None when not chosen or not offered there)."""
    store = session.store
    email = session.buyer.get("email", "")
    if requested is None:
        session.fulfillment = None
    else:
        previous = (session.fulfillment or {}).get("destinations", [])
        incoming = [
            {
                "id": text(d["raw"].get("id"), f"{d['path']}.id", limit=60),
                "address": normalized_address(d["raw"], d["path"]),
            }
            for d in requested.get("destinations", [])
        ]
        destinations, renamed = reconcile_destinations(
            incoming=incoming, previous=previous, known=known_addresses(store=store, email=email)
        )
        selected = requested.get("selected_destination_id", "")
        selected = renamed.get(selected, selected)
        if not any(d["id"] == selected for d in destinations):
            selected = ""
        session.fulfillment = {
            "method_id": requested.get("method_id")
            or (session.fulfillment or {}).get("method_id")
            or "shipping_1",
            "destinations": destinations,
            "selected_destination_id": selected,
            "group_id": requested.get("group_id")
            or (session.fulfillment or {}).get("group_id")
            or "package_1",
            "selected_option_id": requested.get("selected_option_id", ""),
        }
    option = None
    destination = selected_destination(session)
    if destination is not None:
        options = options_for(session, destination)
        wanted = (session.fulfillment or {}).get("selected_option_id", "")
        option = next((o for o in options if o.id == wanted), None)
    if session.fulfillment is not None and option is None:
        session.fulfillment["selected_option_id"] = ""
    return destination, option


def selected_destination(session: CheckoutSession) -> dict[str, str] | None:
    method = session.fulfillment or {}
    wanted = method.get("selected_destination_id")
    return next((d for d in method.get("destinations", []) if d["id"] == wanted), None)


def options_for(session: CheckoutSession, destination: dict[str, str]) -> list[ShippingOption]:
    return shipping_options(
        store=session.store,
        country=destination.get("address_country", ""),
        subtotal=session.order.subtotal,
        skus=[line["sku"] for line in session.line_items],
    )


def status_of(session: CheckoutSession) -> str:
    if session.status in (SessionStatus.COMPLETED, SessionStatus.CANCELED):
        return session.status
    ready = bool(session.line_items) and bool((session.fulfillment or {}).get("selected_option_id"))
    return SessionStatus.READY if ready else SessionStatus.INCOMPLETE


def _apply(session: CheckoutSession, data: CheckoutInput, lines: LinesResult) -> None:
    session.buyer = data.buyer
    session.instruments = [
        {k: v for k, v in inst.items() if k != "credential"} for inst in data.instruments
    ]
    session.line_items = lines.lines
    session.order = orders.cart_set_items(order=session.order, items=lines.items).order
    codes = data.discount_codes or []
    session.discount_codes = codes
    # The shipping options follow the subtotal of the lines just set.
    destination, option = plan_fulfillment(session, data.fulfillment)
    session.order = orders.cart_set_checkout(
        order=session.order,
        discount_codes=codes,
        option_id=option.id if option else "",
        fee=option.fee if option else None,
        email=session.buyer.get("email", ""),
        shipping_address=to_portal_address(destination) if destination else {},
    )
    session.messages = lines.messages + _discount_messages(session, codes)
    session.status = status_of(session)
    session.save()


@transaction.atomic
def checkout_create(
    *,
    store: Store,
    platform: Platform,
    data: CheckoutInput,
    base_url: str,
    customer: Customer | None = None,
) -> CheckoutSession:
    """A new session for the platform, on ``customer`` when given (a linked shopper's) or on
    a new guest customer; ``NothingAvailable`` when no item can be sold."""
    lines, next_number = resolve_lines(
        store=store, wanted=data.line_items, previous_ids=set(), next_number=1
    )
    if not lines.items:
        code = "out_of_stock" if "out_of_stock" in lines.failure_codes else "not_found"
        words = {
            "out_of_stock": "All requested items are out of stock.",
            "not_found": "No requested item was found in this store (not found).",
        }[code]
        raise NothingAvailable(200, code, words, severity="unrecoverable")
    public_id = "chk_" + secrets.token_urlsafe(18)
    if customer is None:
        customer = orders.customer_get_or_create(
            store=store,
            alexa_user_id=f"ucp:{public_id}",
            locale=store.default_locale,
            source=CustomerEventSource.API,
        )
    order = orders.cart_start(
        customer=customer,
        locale=store.default_locale,
        source=OrderSource.AGENT,
        agent_name=platform.name,
    )
    session = CheckoutSession(
        store=store,
        public_id=public_id,
        order_public_id="ord_" + secrets.token_urlsafe(18),
        order=order,
        base_url=base_url,
        platform_profile_url=platform.profile_url,
        platform_name=platform.name,
        webhook_url=platform.webhook_url,
        next_line_number=next_number,
        expires_at=timezone.now() + SESSION_LIFETIME,
    )
    _apply(session, data, lines)
    return session


@transaction.atomic
def checkout_update(*, session: CheckoutSession, data: CheckoutInput) -> CheckoutSession:
    """Replace the session's state with the request's (an open session only)."""
    session = (
        CheckoutSession.objects.select_for_update(of=("self",))
        .select_related("store", "order")
        .get(pk=session.pk)
    )
    refuse_unless_open(session)
    lines, session.next_line_number = resolve_lines(
        store=session.store,
        wanted=data.line_items,
        previous_ids={line["id"] for line in session.line_items},
        next_number=session.next_line_number,
    )
    _apply(session, data, lines)
    return session


def refuse_unless_open(session: CheckoutSession) -> None:
    if session.status == SessionStatus.COMPLETED:
        raise UcpError(409, "checkout_completed", "This checkout is completed; it cannot change.")
    if session.status == SessionStatus.CANCELED:
        raise UcpError(409, "checkout_canceled", "This checkout is canceled; it cannot change.")
    if session.expires_at <= timezone.now():
        raise UcpError(409, "checkout_expired", "This checkout expired. Start a new one.")
