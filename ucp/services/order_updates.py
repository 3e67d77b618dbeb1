"""What happens to an agent order after checkout, through UCP: the platform's own reports
(PUT /orders/{id}) and the test deployments' shipping simulation.

The 2026-04-08 order capability defines no write; the conformance suite's platform PUTs the
order with fulfillment events and adjustments it observed. They are kept as the platform's
statements, append-only by id, and shown back in the order; they never change the portal's
order, its money or its status. Entries must have the shapes of ``fulfillment_event.json``
and ``adjustment.json``, else 422 and nothing is kept.
"""

from datetime import datetime
from typing import Any

from django.db import transaction

from orders import services as orders

from ..models import CheckoutSession
from ..protocol import UcpError

ADJUSTMENT_STATUSES = ("pending", "completed", "failed")
MAX_REPORTS = 100


def _invalid(path: str, content: str) -> UcpError:
    return UcpError(422, "invalid_order_update", content, path=path)


def _string(value: Any, path: str, *, limit: int = 200) -> str:
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise _invalid(path, f"{path} must be a non-empty string of at most {limit} characters.")
    return value


def _timestamp(value: Any, path: str) -> str:
    text = _string(value, path, limit=40)
    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise _invalid(path, f"{path} must be an RFC 3339 date-time.") from exc
    return text


def _line_refs(value: Any, path: str, *, required: bool) -> list[dict[str, Any]]:
    if value is None and not required:
        return []
    if not isinstance(value, list) or len(value) > MAX_REPORTS:
        raise _invalid(path, f"{path} must be an array.")
    refs = []
    for i, raw in enumerate(value):
        if not isinstance(raw, dict):
            raise _invalid(f"{path}[{i}]", f"{path}[{i}] must be an object.")
        quantity = raw.get("quantity")
        if isinstance(quantity, bool) or not isinstance(quantity, int):
            raise _invalid(f"{path}[{i}].quantity", "Quantities are integers.")
        refs.append(
            {"id": _string(raw.get("id"), f"{path}[{i}].id", limit=60), "quantity": quantity}
        )
    return refs


def _event(raw: Any, path: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _invalid(path, f"{path} must be an object.")
    event = {
        "id": _string(raw.get("id"), f"{path}.id", limit=100),
        "occurred_at": _timestamp(raw.get("occurred_at"), f"{path}.occurred_at"),
        "type": _string(raw.get("type"), f"{path}.type", limit=40),
        "line_items": _line_refs(raw.get("line_items"), f"{path}.line_items", required=True),
    }
    for name in ("tracking_number", "tracking_url", "carrier", "description"):
        if raw.get(name) is not None:
            event[name] = _string(raw[name], f"{path}.{name}", limit=500)
    return event


def _adjustment(raw: Any, path: str) -> dict[str, Any]:
    if not isinstance(raw, dict):
        raise _invalid(path, f"{path} must be an object.")
    status = raw.get("status")
    if status not in ADJUSTMENT_STATUSES:
        raise _invalid(f"{path}.status", f"{path}.status must be one of {ADJUSTMENT_STATUSES}.")
    adjustment: dict[str, Any] = {
        "id": _string(raw.get("id"), f"{path}.id", limit=100),
        "type": _string(raw.get("type"), f"{path}.type", limit=40),
        "occurred_at": _timestamp(raw.get("occurred_at"), f"{path}.occurred_at"),
        "status": status,
    }
    if raw.get("line_items") is not None:
        adjustment["line_items"] = _line_refs(
            raw["line_items"], f"{path}.line_items", required=False
        )
    if raw.get("description") is not None:
        adjustment["description"] = _string(raw["description"], f"{path}.description", limit=500)
    amount = raw.get("amount")
    if amount is not None:
        if isinstance(amount, bool) or not isinstance(amount, int) or abs(amount) > 10**12:
            raise _invalid(f"{path}.amount", "Amounts are integers in minor units.")
        adjustment["amount"] = amount
    return adjustment


def _list(value: Any, path: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list) or len(value) > MAX_REPORTS:
        raise _invalid(path, f"{path} must be an array of at most {MAX_REPORTS} entries.")
    return value


def _append(kept: list[dict[str, Any]], shown_ids: set[str], new: list[dict[str, Any]]) -> int:
    added = 0
    for entry in new:
        if entry["id"] not in shown_ids and len(kept) < MAX_REPORTS:
            kept.append(entry)
            shown_ids.add(entry["id"])
            added += 1
    return added


@transaction.atomic
def order_record_platform_reports(
    *, session: CheckoutSession, body: dict[str, Any], shown: dict[str, Any]
) -> CheckoutSession:
    """Keep the fulfillment events and adjustments of ``body`` the order does not show yet
    (``shown`` is the order as the platform last saw it from us)."""
    fulfillment = body.get("fulfillment")
    if fulfillment is not None and not isinstance(fulfillment, dict):
        raise _invalid("$.fulfillment", "$.fulfillment must be an object.")
    events = [
        _event(raw, f"$.fulfillment.events[{i}]")
        for i, raw in enumerate(_list((fulfillment or {}).get("events"), "$.fulfillment.events"))
    ]
    adjustments = [
        _adjustment(raw, f"$.adjustments[{i}]")
        for i, raw in enumerate(_list(body.get("adjustments"), "$.adjustments"))
    ]
    session = (
        CheckoutSession.objects.select_for_update(of=("self",))
        .select_related("store", "order")
        .get(pk=session.pk)
    )
    shown_events = {e["id"] for e in shown["fulfillment"]["events"]}
    shown_adjustments = {a["id"] for a in shown["adjustments"]}
    added = _append(session.platform_events, shown_events, events)
    added += _append(session.platform_adjustments, shown_adjustments, adjustments)
    if added:
        session.save(update_fields=["platform_events", "platform_adjustments", "updated_at"])
    return session


def order_simulate_shipping(*, session: CheckoutSession) -> CheckoutSession:
    """Test deployments only: ship the order as the support console would (the order
    webhook follows from the orders signal)."""
    order = orders.order_ship(
        order=session.order,
        carrier="Simulated carrier",
        tracking_number=f"SIM{session.order.number}",
        actor_label="UCP simulation hook",
    )
    session.order = order
    return session
