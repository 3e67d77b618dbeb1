"""Reading request bodies: every field the server uses is checked for its type and size, and
anything wrong is a 400 in the spec's error shape naming the field (a JSONPath), before
anything is written. Fields the server does not use (the response-only ones a platform may
echo back, extensions it does not speak) are ignored, as the schemas allow.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from .protocol import UcpError, bad_request

MAX_BODY_BYTES = 256 * 1024
MAX_LINE_ITEMS = 100
MAX_QUANTITY = 1_000_000
MAX_INSTRUMENTS = 10
BUYER_FIELDS = ("first_name", "last_name", "email", "phone_number")
CONSENT_FIELDS = ("analytics", "preferences", "marketing", "sale_of_data")


def json_body(raw: bytes, *, required: bool = True) -> dict[str, Any]:
    if len(raw) > MAX_BODY_BYTES:
        raise UcpError(413, "request_too_large", "The request body is too large.")
    if not raw.strip():
        if required:
            raise bad_request("The request needs a JSON object body.", path="$")
        return {}
    try:
        body = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise bad_request("The request body is not valid JSON.", path="$") from exc
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.", path="$")
    try:
        text_form = json.dumps(body, ensure_ascii=False)
        text_form.encode("utf-8")
        has_nul = _has_nul(body)
    except (UnicodeEncodeError, RecursionError, ValueError) as exc:
        raise bad_request(
            "The request body holds text that is not valid Unicode.", path="$"
        ) from exc
    if has_nul:
        raise bad_request("Strings may not contain NUL characters.", path="$")
    return body


def _has_nul(value: Any) -> bool:
    """Whether a string (or an object key) anywhere in ``value`` holds a NUL character,
    which PostgreSQL's text and JSON columns cannot store (``json.dumps`` escapes it, so
    the dumped text does not show it)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def obj(value: Any, path: str, *, optional: bool = True) -> dict[str, Any]:
    if value is None and optional:
        return {}
    if not isinstance(value, dict):
        raise bad_request(f"{path} must be an object.", path=path)
    return value


def array(value: Any, path: str, *, limit: int, optional: bool = True) -> list[Any]:
    if value is None and optional:
        return []
    if not isinstance(value, list):
        raise bad_request(f"{path} must be an array.", path=path)
    if len(value) > limit:
        raise bad_request(f"{path} has more than {limit} entries.", path=path)
    return value


def text(value: Any, path: str, *, limit: int = 200, required: bool = False) -> str:
    if value is None or value == "":
        if required:
            raise bad_request(f"{path} is required.", path=path)
        return ""
    if not isinstance(value, str):
        raise bad_request(f"{path} must be a string.", path=path)
    if len(value) > limit:
        raise bad_request(f"{path} is longer than {limit} characters.", path=path)
    if "\x00" in value:  # a payload that did not come through json_body (MCP)
        raise bad_request(f"{path} may not contain NUL characters.", path=path)
    return value.strip()


def integer(value: Any, path: str, *, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise bad_request(f"{path} must be an integer.", path=path)
    if not minimum <= value <= maximum:
        raise bad_request(f"{path} must be between {minimum} and {maximum}.", path=path)
    return value


@dataclass(frozen=True)
class LineItemInput:
    id: str
    sku: str
    quantity: int


@dataclass(frozen=True)
class CheckoutInput:
    line_items: list[LineItemInput]
    buyer: dict[str, Any]
    discount_codes: list[str] | None  # None: the request has no discounts object
    fulfillment: dict[str, Any] | None  # None: the request has no fulfillment
    instruments: list[dict[str, Any]] = field(default_factory=list)


def line_items(value: Any) -> list[LineItemInput]:
    items = array(value, "$.line_items", limit=MAX_LINE_ITEMS, optional=False)
    if not items:
        raise bad_request("$.line_items needs at least one line item.", path="$.line_items")
    result = []
    for i, raw in enumerate(items):
        path = f"$.line_items[{i}]"
        entry = obj(raw, path, optional=False)
        item = obj(entry.get("item"), f"{path}.item", optional=False)
        result.append(
            LineItemInput(
                id=text(entry.get("id"), f"{path}.id", limit=60),
                sku=text(item.get("id"), f"{path}.item.id", limit=60, required=True),
                quantity=integer(
                    entry.get("quantity"), f"{path}.quantity", minimum=1, maximum=MAX_QUANTITY
                ),
            )
        )
    return result


def buyer(value: Any) -> dict[str, Any]:
    raw = obj(value, "$.buyer")
    result: dict[str, Any] = {}
    for name in BUYER_FIELDS:
        v = text(raw.get(name), f"$.buyer.{name}", limit=254)
        if v:
            result[name] = v
    if raw.get("consent") is not None:
        consent = obj(raw.get("consent"), "$.buyer.consent")
        kept = {}
        for name in CONSENT_FIELDS:
            if consent.get(name) is not None:
                if not isinstance(consent[name], bool):
                    raise bad_request(
                        f"$.buyer.consent.{name} must be true or false.",
                        path=f"$.buyer.consent.{name}",
                    )
                kept[name] = consent[name]
        result["consent"] = kept
    return result


def discount_codes(value: Any) -> list[str] | None:
    if value is None:
        return None
    discounts = obj(value, "$.discounts")
    codes = array(discounts.get("codes"), "$.discounts.codes", limit=10)
    return [text(c, f"$.discounts.codes[{i}]", limit=40) for i, c in enumerate(codes)]


def instruments(value: Any, *, required: bool) -> list[dict[str, Any]]:
    payment = obj(value, "$.payment", optional=not required)
    raw = array(payment.get("instruments"), "$.payment.instruments", limit=MAX_INSTRUMENTS)
    if required and not raw:
        raise bad_request(
            "$.payment.instruments needs the instrument to pay with.",
            path="$.payment.instruments",
        )
    result = []
    for i, entry in enumerate(raw):
        path = f"$.payment.instruments[{i}]"
        inst = obj(entry, path, optional=False)
        kept: dict[str, Any] = {
            "id": text(inst.get("id"), f"{path}.id", limit=100, required=True),
            "handler_id": text(inst.get("handler_id"), f"{path}.handler_id", required=True),
            "type": text(inst.get("type"), f"{path}.type", limit=40, required=True),
        }
        display = obj(inst.get("display"), f"{path}.display")
        if display:
            kept["display"] = {
                k: v for k, v in display.items() if isinstance(v, str) and len(v) <= 200
            }
        if inst.get("selected") is not None:
            if not isinstance(inst["selected"], bool):
                raise bad_request(f"{path}.selected must be true or false.", path=path)
            kept["selected"] = inst["selected"]
        credential = obj(inst.get("credential"), f"{path}.credential")
        if credential:
            kept["credential"] = credential
        result.append(kept)
    return result


def fulfillment(value: Any) -> dict[str, Any] | None:
    """The first method of ``$.fulfillment`` (this store consolidates all items into one
    shipping method), its destinations (raw, checked) and selections."""
    if value is None:
        return None
    raw = obj(value, "$.fulfillment")
    methods = array(raw.get("methods"), "$.fulfillment.methods", limit=5)
    if not methods:
        return {}
    method = obj(methods[0], "$.fulfillment.methods[0]", optional=False)
    path = "$.fulfillment.methods[0]"
    method_type = text(method.get("type"), f"{path}.type", limit=20) or "shipping"
    if method_type != "shipping":
        raise UcpError(
            400,
            "fulfillment_method_unsupported",
            "This store ships; it offers no pickup.",
            path=f"{path}.type",
        )
    destinations = []
    for i, d in enumerate(array(method.get("destinations"), f"{path}.destinations", limit=20)):
        dest = obj(d, f"{path}.destinations[{i}]", optional=False)
        destinations.append({"raw": dest, "path": f"{path}.destinations[{i}]"})
    groups = array(method.get("groups"), f"{path}.groups", limit=10)
    group = obj(groups[0], f"{path}.groups[0]", optional=False) if groups else {}
    return {
        "method_id": text(method.get("id"), f"{path}.id", limit=60),
        "destinations": destinations,
        "selected_destination_id": text(
            method.get("selected_destination_id"), f"{path}.selected_destination_id", limit=60
        ),
        "group_id": text(group.get("id"), f"{path}.groups[0].id", limit=60),
        "selected_option_id": text(
            group.get("selected_option_id"), f"{path}.groups[0].selected_option_id", limit=60
        ),
    }


def checkout_input(body: dict[str, Any]) -> CheckoutInput:
    return CheckoutInput(
        line_items=line_items(body.get("line_items")),
        buyer=buyer(body.get("buyer")),
        discount_codes=discount_codes(body.get("discounts")),
        fulfillment=fulfillment(body.get("fulfillment")),
        instruments=instruments(body.get("payment"), required=False),
    )
