"""The launch checklist's UCP conformance run: the store's own checkout flow played through
its REST operations the way a shopping agent plays it, like the certification cases play the
skill. Each step is a real request through the whole stack (middleware, negotiation, the UCP
views), made in-process, and its answer is checked against the 2026-04-08 JSON Schemas:

1. read the profile, 2. create a checkout for a purchasable product shipped to an address in
the store's country, 3. update it with the option offered and one of the store's discount
codes, 4. complete it with a test payment, 5. read the order.

The run acts as its own platform: its profile (every shopping capability, no webhook) is put
where negotiation finds it, at ``https://launch-checklist.invalid/<slug>.json``, so nothing
is fetched. A test payment exists on test deployments only (``UCP_SIMULATION_SECRET``: the
suite's ``mock_payment_handler``); elsewhere the run stops before paying and says so. The
order a run places is an agent order of the platform "launch-checklist.invalid" (it takes
stock and counts the discount code like any order).
"""

import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.test import Client
from django.utils import timezone

from catalog.models import Product
from discounts.models import Discount
from merchant.models import Store
from ucp.negotiation import remember_profile
from ucp.payments import MOCK_HANDLER_ID
from ucp.protocol import CAPABILITIES, VERSION
from ucp.schema_validation import CHECKOUT, PROFILE, SchemasMissing, schema_errors
from ucp.schema_validation import ORDER as ORDER_SCHEMA

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
PLATFORM_HOST = "launch-checklist.invalid"
# A domestic address per country of establishment (the store's own country).
ADDRESSES = {
    "US": ("1 Elm St", "Springfield", "IL", "62704", "US"),
    "UK": ("10 Downing St", "London", "", "SW1A 2AA", "GB"),
    "IE": ("1 Main St", "Dublin", "", "D02 X285", "IE"),
    "DE": ("Unter den Linden 1", "Berlin", "", "10117", "DE"),
    "AT": ("Ring 1", "Wien", "", "1010", "AT"),
    "FR": ("1 Rue de Rivoli", "Paris", "", "75001", "FR"),
    "IT": ("Via Roma 1", "Roma", "", "00100", "IT"),
    "ES": ("Calle Mayor 1", "Madrid", "", "28013", "ES"),
}


@dataclass
class Step:
    name: str
    status: str = SKIPPED
    detail: str = ""
    problems: list[str] = field(default_factory=list)


def platform_profile() -> dict[str, Any]:
    return {
        "ucp": {
            "version": VERSION,
            "services": {},
            "payment_handlers": {},
            "capabilities": {name: [{"version": VERSION}] for name in CAPABILITIES},
        }
    }


class _Agent:
    def __init__(self, store: Store, host: str, secure: bool):
        self.client = Client(HTTP_HOST=host)
        # Over HTTPS when the owner's request was, so the HTTPS redirect leaves it alone.
        self.secure = secure
        self.root = f"/ucp/{store.slug}"
        profile_url = f"https://{PLATFORM_HOST}/{store.slug}.json"
        remember_profile(profile_url, platform_profile())
        self.header = f'profile="{profile_url}"'

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = {"UCP-Agent": self.header}
        if method != "GET":
            headers["Idempotency-Key"] = uuid.uuid4().hex
        response = getattr(self.client, method.lower())(
            self.root + path,
            data=json.dumps(body) if body is not None else None,
            content_type="application/json",
            headers=headers,
            secure=self.secure,
        )
        try:
            return response.status_code, json.loads(response.content)
        except ValueError:
            return response.status_code, None


def _fail(step: Step, status: int, body: Any, expected: str) -> None:
    step.status = FAILED
    messages = body.get("messages") if isinstance(body, dict) else None
    words = (
        "; ".join(str(m.get("content", "")) for m in messages or [] if isinstance(m, dict))
        or "no words"
    )
    step.detail = f"Expected {expected}, got HTTP {status}: {words}."


def _checked(step: Step, body: Any, refs: tuple[str, ...], detail: str) -> None:
    step.problems = schema_errors(body, *refs)
    step.status = FAILED if step.problems else PASSED
    step.detail = (
        f"{detail} The answer does not match the 2026-04-08 schemas." if step.problems else detail
    )


def _destination(store: Store) -> dict[str, Any]:
    street, city, region, postal, country = ADDRESSES.get(
        store.country_of_establishment, ADDRESSES["US"]
    )
    destination = {
        "id": "home",
        "street_address": street,
        "address_locality": city,
        "postal_code": postal,
        "address_country": country,
    }
    if region:
        destination["address_region"] = region
    return destination


def _fulfillment(store: Store, option: str = "") -> dict[str, Any]:
    method: dict[str, Any] = {
        "type": "shipping",
        "destinations": [_destination(store)],
        "selected_destination_id": "home",
    }
    if option:
        method["groups"] = [{"id": "package_1", "selected_option_id": option}]
    return {"methods": [method]}


def _first_option(body: dict[str, Any]) -> str:
    try:
        return str(body["fulfillment"]["methods"][0]["groups"][0]["options"][0]["id"])
    except (KeyError, IndexError, TypeError):
        return ""


def _discount_code(store: Store) -> str:
    now = timezone.now()
    for discount in Discount.objects.filter(store=store, active=True).order_by("code"):
        if discount.is_valid_at(now):
            return discount.code
    return ""


def ucp_conformance_run(store: Store, *, host: str, secure: bool = False) -> list[Step]:
    """Play the flow against ``store`` through ``host`` (an allowed host of the portal),
    over HTTPS when ``secure``."""
    names = ["Profile", "Create a checkout", "Update with a discount code"]
    steps = [Step(n) for n in (*names, "Complete with a test payment", "Read the order")]
    profile, create, update, complete, read = steps
    if not store.ucp_enabled:
        profile.status, profile.detail = FAILED, "UCP is off for this store: switch it on first."
        return steps
    try:
        agent = _Agent(store, host, secure)
        status, body = agent.call("GET", "/.well-known/ucp")
        if status != 200:
            _fail(profile, status, body, "HTTP 200")
            return steps
        _checked(profile, body.get("ucp"), (PROFILE,), "The profile answers.")

        product = next(
            (
                p
                for p in Product.objects.filter(store=store, active=True).order_by("pk")
                if p.is_sellable(1)
            ),
            None,
        )
        if product is None:
            create.status, create.detail = FAILED, "No product can be bought: add one in stock."
            return steps
        lines = {"line_items": [{"item": {"id": product.sku}, "quantity": 1}]}
        status, body = agent.call(
            "POST", "/checkout-sessions", {**lines, "fulfillment": _fulfillment(store)}
        )
        if status != 201:
            _fail(create, status, body, "HTTP 201")
            return steps
        checkout_id = body["id"]
        _checked(
            create, body, CHECKOUT, f"{product.name}: a checkout, status {body.get('status')}."
        )

        code = _discount_code(store)
        option = _first_option(body)
        payload: dict[str, Any] = {**lines, "fulfillment": _fulfillment(store, option)}
        if code:
            payload["discounts"] = {"codes": [code]}
        status, body = agent.call("PUT", f"/checkout-sessions/{checkout_id}", payload)
        if status != 200:
            _fail(update, status, body, "HTTP 200")
            return steps
        applied = [t for t in body.get("totals", []) if t.get("type") == "discount"]
        words = (
            f"Shipping option {option or 'none offered'}; the code {code} took off "
            f"{applied[0]['amount'] / 100 if applied else 0:.2f} {store.currency}."
            if code
            else f"Shipping option {option or 'none offered'}; no valid discount code to try."
        )
        _checked(update, body, CHECKOUT, words)
        if code and not applied:
            update.status, update.detail = FAILED, f"The discount code {code} was not applied."

        if not settings.UCP_SIMULATION_SECRET:
            complete.detail = (
                "No test payment here: a test deployment (UCP_SIMULATION_SECRET) offers "
                "one. Nothing was paid or placed."
            )
            read.detail = "No order to read."
            return steps
        instrument = {
            "id": "instr_1",
            "handler_id": MOCK_HANDLER_ID,
            "type": "card",
            "credential": {"type": "token", "token": "success_token"},
        }
        status, body = agent.call(
            "POST",
            f"/checkout-sessions/{checkout_id}/complete",
            {"payment": {"instruments": [instrument]}},
        )
        if status != 200 or body.get("status") != "completed":
            _fail(complete, status, body, "a completed checkout")
            return steps
        order_id = body["order"]["id"]
        _checked(complete, body, CHECKOUT, f"Completed: order {order_id}.")

        status, body = agent.call("GET", f"/orders/{order_id}")
        if status != 200:
            _fail(read, status, body, "HTTP 200")
            return steps
        _checked(read, body, (ORDER_SCHEMA,), "The order reads back.")
    except SchemasMissing as exc:
        for step in steps:
            if step.status == SKIPPED:
                step.detail = str(exc)
    return steps
