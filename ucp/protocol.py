"""The facts of UCP 2026-04-08 this server speaks, in one place: the version, the capability
names and their spec/schema URLs, the error shape.

Every refusal answers with the spec's error response (``types/error_response.json``): the
envelope ``{"ucp": {"version", "status": "error"}, "messages": [...]}`` whose one error
message carries the code, the words and the severity; the HTTP status says which kind of
failure it is (overview.md's error code registry).
"""

from dataclasses import dataclass, field
from typing import Any

VERSION = "2026-04-08"
SPEC_BASE = f"https://ucp.dev/{VERSION}"

SHOPPING_SERVICE = "dev.ucp.shopping"
CHECKOUT = "dev.ucp.shopping.checkout"
FULFILLMENT = "dev.ucp.shopping.fulfillment"
DISCOUNT = "dev.ucp.shopping.discount"
BUYER_CONSENT = "dev.ucp.shopping.buyer_consent"
ORDER = "dev.ucp.shopping.order"
CATALOG_SEARCH = "dev.ucp.shopping.catalog.search"
CATALOG_LOOKUP = "dev.ucp.shopping.catalog.lookup"
CART = "dev.ucp.shopping.cart"

# name -> (spec page, schema file, the capability it extends or None)
CAPABILITIES: dict[str, tuple[str, str, str | None]] = {
    CHECKOUT: ("checkout", "shopping/checkout.json", None),
    FULFILLMENT: ("fulfillment", "shopping/fulfillment.json", CHECKOUT),
    DISCOUNT: ("discount", "shopping/discount.json", CHECKOUT),
    BUYER_CONSENT: ("buyer-consent", "shopping/buyer_consent.json", CHECKOUT),
    ORDER: ("order", "shopping/order.json", None),
    CATALOG_SEARCH: ("catalog/search", "shopping/catalog_search.json", None),
    CATALOG_LOOKUP: ("catalog/lookup", "shopping/catalog_lookup.json", None),
    CART: ("cart", "shopping/cart.json", None),
}

# Which capabilities a response of each kind reports (overview.md, Response Capability
# Selection): the root and the extensions of that root.
CHECKOUT_RESPONSE_CAPABILITIES = (CHECKOUT, FULFILLMENT, DISCOUNT, BUYER_CONSENT)
ORDER_RESPONSE_CAPABILITIES = (ORDER,)
CART_RESPONSE_CAPABILITIES = (CART,)


def capability_entry(name: str) -> dict[str, Any]:
    page, schema, extends = CAPABILITIES[name]
    entry: dict[str, Any] = {
        "version": VERSION,
        "spec": f"{SPEC_BASE}/specification/{page}",
        "schema": f"{SPEC_BASE}/schemas/{schema}",
    }
    if extends:
        entry["extends"] = extends
    return entry


@dataclass
class UcpError(Exception):
    """A refused request: its HTTP status, the error code and the words for people."""

    status: int
    code: str
    content: str
    severity: str = "recoverable"
    path: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(f"{self.status} {self.code}: {self.content}")


def error_message(
    code: str, content: str, *, severity: str = "recoverable", path: str = ""
) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": "error",
        "code": code,
        "content": content,
        "severity": severity,
    }
    if path:
        message["path"] = path
    return message


def warning_message(code: str, content: str, *, path: str = "") -> dict[str, Any]:
    message: dict[str, Any] = {"type": "warning", "code": code, "content": content}
    if path:
        message["path"] = path
    return message


def error_body(error: UcpError, *, continue_url: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {
        "ucp": {"version": VERSION, "status": "error"},
        "messages": [
            error_message(error.code, error.content, severity=error.severity, path=error.path)
        ],
    }
    if continue_url:
        body["continue_url"] = continue_url
    return body


def bad_request(content: str, *, path: str = "", code: str = "invalid_request") -> UcpError:
    return UcpError(400, code, content, path=path)


def capability_missing(capability: str) -> UcpError:
    """The platform's profile and this business share no ``capability`` (an in-band error:
    the request was understood, the operation is not negotiated)."""
    return UcpError(
        200,
        "capabilities_incompatible",
        f"The platform profile and this business share no {capability} capability.",
        severity="unrecoverable",
    )


def not_found(what: str) -> UcpError:
    return UcpError(404, "not_found", f"{what} not found.", severity="unrecoverable")
