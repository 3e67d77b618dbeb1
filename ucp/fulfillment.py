"""The fulfillment extension (fulfillment.md): one shipping method per checkout covering all
its line items, its destinations, and one group whose options are this store's shipping
rates for the selected destination.

Destinations the platform sends are kept; one whose address matches a destination already
known (an earlier one, or an address the store keeps for the buyer's email) keeps that id.
When the platform sends none, the buyer's stored addresses are offered, under ids derived
from their content (the same address has the same id on every request).
"""

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models.functions import Upper

from merchant.models import Store
from orders.models import Customer
from orders.pricing import standard_shipping

from .models import ShippingRate
from .parsing import text

ADDRESS_FIELDS = (
    "first_name",
    "last_name",
    "street_address",
    "extended_address",
    "address_locality",
    "address_region",
    "postal_code",
    "address_country",
    "phone_number",
)
MAX_DESTINATIONS = 20


@dataclass(frozen=True)
class ShippingOption:
    id: str
    title: str
    fee: Decimal


def normalized_address(raw: dict[str, Any], path: str) -> dict[str, str]:
    address = {}
    for name in ADDRESS_FIELDS:
        value = text(raw.get(name), f"{path}.{name}", limit=200)
        if value:
            address[name] = value
    if "address_country" in address:
        address["address_country"] = address["address_country"].upper()
    return address


def address_id(address: dict[str, str]) -> str:
    content = json.dumps({k: address.get(k, "") for k in ADDRESS_FIELDS}, sort_keys=True)
    return "addr_" + hashlib.sha256(content.encode()).hexdigest()[:12]


PLACE_FIELDS = (
    "street_address",
    "extended_address",
    "address_locality",
    "address_region",
    "postal_code",
    "address_country",
)


def same_address(a: dict[str, str], b: dict[str, str]) -> bool:
    """The same place (names and phone aside): a resubmitted address keeps its id."""
    return all(a.get(k, "") == b.get(k, "") for k in PLACE_FIELDS)


def from_portal_address(stored: dict[str, Any]) -> dict[str, str]:
    """An address in the portal's (Amazon's) shape as a UCP postal address."""
    name = str(stored.get("name") or "").strip()
    first, _, last = name.partition(" ")
    mapping = {
        "first_name": first,
        "last_name": last,
        "street_address": stored.get("addressLine1"),
        "extended_address": stored.get("addressLine2"),
        "address_locality": stored.get("city"),
        "address_region": stored.get("stateOrRegion"),
        "postal_code": stored.get("postalCode"),
        "address_country": stored.get("countryCode"),
        "phone_number": stored.get("phone"),
    }
    return {k: str(v).strip() for k, v in mapping.items() if v and str(v).strip()}


def to_portal_address(address: dict[str, str]) -> dict[str, str]:
    name = " ".join(p for p in (address.get("first_name"), address.get("last_name")) if p)
    mapping = {
        "name": name,
        "addressLine1": address.get("street_address", ""),
        "addressLine2": address.get("extended_address", ""),
        "city": address.get("address_locality", ""),
        "stateOrRegion": address.get("address_region", ""),
        "postalCode": address.get("postal_code", ""),
        "countryCode": address.get("address_country", ""),
        "phone": address.get("phone_number", ""),
    }
    return {k: v for k, v in mapping.items() if v}


def known_addresses(*, store: Store, email: str) -> list[dict[str, str]]:
    """The addresses the store keeps for customers with this email, each with its id."""
    if not email:
        return []
    stored = (
        Customer.objects.annotate(email_upper=Upper("email"))
        .filter(store=store, email_upper=email.upper(), erased_at__isnull=True)
        .exclude(shipping_address={})
        .order_by("pk")
        .values_list("shipping_address", flat=True)
    )
    result: list[dict[str, str]] = []
    for raw in stored:
        address = from_portal_address(raw if isinstance(raw, dict) else {})
        if address and not any(same_address(address, r) for r in result):
            result.append({"id": address_id(address), **address})
    return result


def active_rates(store: Store) -> list[ShippingRate]:
    """The store's active shipping rates, read once per store object (a request writes the
    session with them and then shows the same options)."""
    cached: list[ShippingRate] | None = store.__dict__.get("_active_shipping_rates")
    if cached is None:
        cached = list(
            ShippingRate.objects.filter(store=store, active=True).order_by("position", "pk")
        )
        store.__dict__["_active_shipping_rates"] = cached
    return cached


def shipping_options(
    *, store: Store, country: str, subtotal: Decimal, skus: list[str]
) -> list[ShippingOption]:
    """The store's options for a destination country: per service level the rates written
    for that country, else those for every other country; free from a rate's threshold or
    for its SKUs. A store without rates offers its standard shipping."""
    rates = active_rates(store)
    if not rates:
        fee = standard_shipping(store=store, subtotal=subtotal)
        return [ShippingOption(id="standard", title="Standard shipping", fee=fee)]
    country = country.upper()
    chosen: list[ShippingRate] = []
    for level in dict.fromkeys(r.service_level for r in rates):
        of_level = [r for r in rates if r.service_level == level]
        specific = [r for r in of_level if r.country.upper() == country]
        chosen += specific or [r for r in of_level if not r.country]
    chosen.sort(key=lambda r: (r.position, r.pk))
    options = []
    for rate in chosen:
        free = (rate.free_from_subtotal is not None and subtotal >= rate.free_from_subtotal) or (
            any(sku in rate.free_for_skus for sku in skus)
        )
        options.append(
            ShippingOption(id=rate.code, title=rate.title, fee=Decimal("0") if free else rate.fee)
        )
    return options


def reconcile_destinations(
    *,
    incoming: list[dict[str, Any]],
    previous: list[dict[str, str]],
    known: list[dict[str, str]],
) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The method's destinations after a request, and how the request's ids map to them."""
    if not incoming:
        return [dict(k) for k in known], {}
    result: list[dict[str, str]] = []
    renamed: dict[str, str] = {}
    pool = previous + known
    for position, raw in enumerate(incoming[:MAX_DESTINATIONS]):
        given_id = raw["id"]
        address = raw["address"]
        match = next((p for p in pool + result if same_address(p, address)), None)
        new_id = (match or {}).get("id") or given_id or address_id(address)
        if any(r["id"] == new_id for r in result):
            new_id = f"{new_id}_{position}"
        if given_id:
            renamed[given_id] = new_id
        result.append({"id": new_id, **address})
    return result, renamed
