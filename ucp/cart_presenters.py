"""Cart sessions as the platform reads them (shopping/cart.json): the cart's lines with
today's prices, estimated totals (shipping and tax are priced at checkout), and a message
for each line that cannot be bought in its quantity now."""

from typing import Any

from shoppers.models import CartLine

from .models import AgentCart
from .presenters import iso, minor, ucp_envelope
from .protocol import CART_RESPONSE_CAPABILITIES, error_message

ESTIMATE = "Estimated total: shipping and tax are calculated at checkout."


def cart_json(
    session: AgentCart,
    lines: list[CartLine],
    *,
    capabilities: frozenset[str],
    base_url: str,
    messages: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    currency = session.store.currency
    shown: list[dict[str, Any]] = []
    notes = list(messages or [])
    subtotal = 0
    for index, line in enumerate(lines):
        product = line.product
        amount = minor(product.price * line.quantity, currency)
        item: dict[str, Any] = {
            "id": product.sku,
            "title": product.name,
            "price": minor(product.price, currency),
        }
        if product.image_url:
            item["image_url"] = product.image_url
        shown.append(
            {
                "id": f"li_{line.pk}",
                "item": item,
                "quantity": line.quantity,
                "totals": [
                    {"type": "subtotal", "amount": amount},
                    {"type": "total", "amount": amount},
                ],
            }
        )
        if product.is_sellable(line.quantity):
            subtotal += amount
        else:
            notes.append(
                error_message(
                    "out_of_stock",
                    f"{product.name} is not available in this quantity now.",
                    path=f"$.line_items[{index}]",
                )
            )
    body: dict[str, Any] = {
        "ucp": ucp_envelope(capabilities, CART_RESPONSE_CAPABILITIES),
        "id": session.public_id,
        "line_items": shown,
        "currency": currency,
        "totals": [
            {"type": "subtotal", "amount": subtotal},
            {"type": "total", "amount": subtotal, "display_text": ESTIMATE},
        ],
        "continue_url": f"{base_url}/shop/{session.store.slug}/"
        + ("cart/" if session.shopper_owned else ""),
        "expires_at": iso(session.expires_at),
    }
    if session.buyer:
        body["buyer"] = session.buyer
    if session.context:
        body["context"] = session.context
    if notes:
        body["messages"] = notes
    return body
