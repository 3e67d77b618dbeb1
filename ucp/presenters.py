"""The JSON a platform reads: checkout sessions and orders as the 2026-04-08 schemas shape
them (amounts in minor units; the ``ucp`` envelope with the version and the capabilities of
the response).
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, prefetch_related_objects

from alexa.currency import minor_units
from orders.models import Order, OrderLine, OrderStatus, PaymentKind, PaymentState
from orders.pricing import order_totals as priced

from .models import CheckoutSession
from .payments import payment_handlers
from .protocol import (
    BUYER_CONSENT,
    CHECKOUT_RESPONSE_CAPABILITIES,
    DISCOUNT,
    FULFILLMENT,
    ORDER,
    VERSION,
)
from .services.checkout import options_for, selected_destination


def minor(amount: Decimal, currency: str) -> int:
    return int((amount * (10 ** minor_units(currency))).to_integral_value())


def iso(at: datetime) -> str:
    return at.isoformat().replace("+00:00", "Z")


def ucp_envelope(capabilities: frozenset[str], kinds: tuple[str, ...]) -> dict[str, Any]:
    return {
        "version": VERSION,
        "capabilities": {name: [{"version": VERSION}] for name in kinds if name in capabilities},
    }


def order_lines(order: Order) -> list[OrderLine]:
    """The order's lines with their products, read once for everything a response shows."""
    prefetch_related_objects(
        [order], Prefetch("lines", queryset=OrderLine.objects.select_related("product"))
    )
    return list(order.lines.all())


def _line_items(session: CheckoutSession) -> list[dict[str, Any]]:
    order = session.order
    by_sku = {line.sku: line for line in order_lines(order)}
    result = []
    for line in session.line_items:
        order_line = by_sku.get(line["sku"])
        if order_line is None:
            continue
        amount = minor(order_line.line_total, order.currency)
        item: dict[str, Any] = {
            "id": order_line.sku,
            "title": order_line.name,
            "price": minor(order_line.unit_price, order.currency),
        }
        image = order_line.product.image_url if order_line.product else ""
        if image:
            item["image_url"] = image
        result.append(
            {
                "id": line["id"],
                "item": item,
                "quantity": order_line.quantity,
                "totals": [
                    {"type": "subtotal", "amount": amount},
                    {"type": "total", "amount": amount},
                ],
            }
        )
    return result


def totals_json(order: Order, *, with_fulfillment: bool = True) -> list[dict[str, Any]]:
    cur = order.currency
    totals: list[dict[str, Any]] = [{"type": "subtotal", "amount": minor(order.subtotal, cur)}]
    if order.discount > 0:
        totals.append({"type": "discount", "amount": -minor(order.discount, cur)})
    if with_fulfillment:
        totals.append({"type": "fulfillment", "amount": minor(order.shipping, cur)})
    totals.append({"type": "tax", "amount": minor(order.tax, cur)})
    totals.append({"type": "total", "amount": minor(order.total, cur)})
    return totals


def _discounts(session: CheckoutSession) -> dict[str, Any]:
    order = session.order
    applied = []
    if order.discount_codes and order.discount > 0:
        totals = priced(
            store=session.store,
            line_totals=[line.line_total for line in order_lines(order)],
            discount_codes=order.discount_codes,
            shipping_fee=order.shipping_option_fee,
        )
        for entry in totals.applied_discounts:
            amount = minor(entry.amount, order.currency)
            if amount <= 0:
                continue
            applied.append(
                {
                    "code": entry.code,
                    "title": entry.title,
                    "amount": amount,
                    "method": "across",
                    "allocations": [{"path": "$.totals.subtotal", "amount": amount}],
                }
            )
    return {"codes": list(session.discount_codes), "applied": applied}


def _fulfillment(session: CheckoutSession) -> dict[str, Any] | None:
    method = session.fulfillment
    if method is None:
        return None
    line_ids = [line["id"] for line in session.line_items]
    out: dict[str, Any] = {
        "id": method["method_id"],
        "type": "shipping",
        "line_item_ids": line_ids,
        "destinations": method["destinations"],
    }
    if method.get("selected_destination_id"):
        out["selected_destination_id"] = method["selected_destination_id"]
    destination = selected_destination(session)
    if destination is not None:
        currency = session.order.currency
        group: dict[str, Any] = {
            "id": method["group_id"],
            "line_item_ids": line_ids,
            "options": [
                {
                    "id": o.id,
                    "title": o.title,
                    "totals": [{"type": "total", "amount": minor(o.fee, currency)}],
                }
                for o in options_for(session, destination)
            ],
        }
        if method.get("selected_option_id"):
            group["selected_option_id"] = method["selected_option_id"]
        out["groups"] = [group]
    return {"methods": [out]}


def checkout_json(
    session: CheckoutSession,
    *,
    capabilities: frozenset[str],
    base_url: str,
    offered: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The session as the platform reads it; ``offered``: the linked shopper's saved cards
    as instruments (the partner wallet), shown while the session is open."""
    order = session.order
    envelope = ucp_envelope(capabilities, CHECKOUT_RESPONSE_CAPABILITIES)
    envelope["payment_handlers"] = payment_handlers(session.store)
    body: dict[str, Any] = {
        "ucp": envelope,
        "id": session.public_id,
        "status": shown_status(session),
        "currency": order.currency,
        "line_items": _line_items(session),
        "totals": totals_json(order),
        "messages": list(session.messages) + _guidance(session),
        "links": store_links(session, base_url),
        "expires_at": iso(session.expires_at),
        "payment": {"instruments": _instruments(session, offered or [])},
    }
    if session.buyer and BUYER_CONSENT in capabilities:
        body["buyer"] = session.buyer
    elif session.buyer:
        body["buyer"] = {k: v for k, v in session.buyer.items() if k != "consent"}
    if DISCOUNT in capabilities:
        body["discounts"] = _discounts(session)
    if FULFILLMENT in capabilities:
        fulfillment = _fulfillment(session)
        if fulfillment is not None:
            body["fulfillment"] = fulfillment
    if session.is_open():
        body["continue_url"] = f"{base_url}/shop/{session.store.slug}/"
    if session.status == "completed":
        body["order"] = {
            "id": session.order_public_id,
            "label": order.number,
            "permalink_url": permalink(session, base_url),
        }
    return body


def _instruments(session: CheckoutSession, offered: list[dict[str, Any]]) -> list[dict[str, Any]]:
    if not session.is_open():
        return list(session.instruments)
    offered_ids = {entry["id"] for entry in offered}
    return offered + [i for i in session.instruments if i.get("id") not in offered_ids]


def shown_status(session: CheckoutSession) -> str:
    """The session's status; ``requires_escalation`` while an open session waits for the
    buyer (a message of severity ``requires_buyer_input``, e.g. the bank's 3-D Secure)."""
    if session.is_open() and any(
        m.get("severity") == "requires_buyer_input" for m in session.messages
    ):
        return "requires_escalation"
    return session.status


def _guidance(session: CheckoutSession) -> list[dict[str, Any]]:
    """What an open session still needs, for the platform (an info message)."""
    if session.status != "incomplete" or not session.line_items:
        return []
    method = session.fulfillment or {}
    if not method.get("selected_destination_id"):
        content = "Choose a shipping destination, then a shipping option."
    else:
        content = "Choose a shipping option."
    return [
        {
            "type": "info",
            "code": "fulfillment_required",
            "path": "$.fulfillment",
            "content": content,
        }
    ]


def store_links(session: CheckoutSession, base_url: str) -> list[dict[str, str]]:
    return [{"type": "terms_of_service", "url": f"{base_url}/shop/{session.store.slug}/"}]


def permalink(session: CheckoutSession, base_url: str) -> str:
    return f"{base_url}/shop/{session.store.slug}/orders/{session.order.number}/"


def _order_events(session: CheckoutSession, line_refs: list[dict[str, Any]]) -> list[dict]:
    order = session.order
    events: list[dict[str, Any]] = []
    if order.shipped_at:
        shipped: dict[str, Any] = {
            "id": f"evt_{session.order_public_id}_shipped",
            "occurred_at": iso(order.shipped_at),
            "type": "shipped",
            "line_items": line_refs,
        }
        if order.tracking_number:
            shipped["tracking_number"] = order.tracking_number
        if order.carrier:
            shipped["carrier"] = order.carrier
        events.append(shipped)
    if order.delivered_at:
        events.append(
            {
                "id": f"evt_{session.order_public_id}_delivered",
                "occurred_at": iso(order.delivered_at),
                "type": "delivered",
                "line_items": line_refs,
            }
        )
    if order.cancelled_at:
        events.append(
            {
                "id": f"evt_{session.order_public_id}_canceled",
                "occurred_at": iso(order.cancelled_at),
                "type": "canceled",
                "line_items": line_refs,
            }
        )
    return events + list(session.platform_events)


def _adjustments(session: CheckoutSession) -> list[dict[str, Any]]:
    order = session.order
    states: dict[str, str] = {PaymentState.PENDING: "pending", PaymentState.SUCCEEDED: "completed"}
    result = []
    for txn in order.transactions.filter(kind=PaymentKind.REFUND).order_by("pk"):
        result.append(
            {
                "id": f"adj_refund_{txn.pk}",
                "type": "refund",
                "occurred_at": iso(txn.created_at),
                "status": states.get(txn.state, "failed"),
                "totals": [{"type": "total", "amount": -minor(txn.amount, order.currency)}],
            }
        )
    return result + list(session.platform_adjustments)


def order_json(session: CheckoutSession, *, capabilities: frozenset[str]) -> dict[str, Any]:
    order = session.order
    shipped = order.status in (OrderStatus.SHIPPED, OrderStatus.DELIVERED)
    lines = []
    refs = []
    for ucp_line, item in zip(session.line_items, _line_items(session), strict=False):
        quantity = item["quantity"]
        lines.append(
            {
                "id": ucp_line["id"],
                "item": item["item"],
                "quantity": {
                    "original": quantity,
                    "total": quantity,
                    "fulfilled": quantity if shipped else 0,
                },
                "totals": item["totals"],
                "status": "fulfilled" if shipped else "processing",
            }
        )
        refs.append({"id": ucp_line["id"], "quantity": quantity})
    expectations = []
    destination = selected_destination(session)
    method = session.fulfillment or {}
    if destination is not None and refs:
        option_title = next(
            (
                o.title
                for o in options_for(session, destination)
                if o.id == method.get("selected_option_id")
            ),
            "Shipping",
        )
        expectations.append(
            {
                "id": f"exp_{session.order_public_id}",
                "line_items": refs,
                "method_type": "shipping",
                "destination": {k: v for k, v in destination.items() if k != "id"},
                "description": option_title,
            }
        )
    return {
        "ucp": ucp_envelope(capabilities | {ORDER}, (ORDER,)),
        "id": session.order_public_id,
        "label": order.number,
        "checkout_id": session.public_id,
        "permalink_url": permalink(session, session.base_url),
        "line_items": lines,
        "fulfillment": {"expectations": expectations, "events": _order_events(session, refs)},
        "adjustments": _adjustments(session),
        "currency": order.currency,
        "totals": totals_json(order),
    }
