"""Validation of UCP responses against the 2026-04-08 JSON Schemas kept in ``schemas/``."""

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from referencing import Registry, Resource

SCHEMAS = Path(__file__).parents[1] / "schemas"
BASE = "https://ucp.dev/schemas/"
CHECKOUT_SCHEMAS = (
    "shopping/checkout.json",
    "shopping/fulfillment.json#/$defs/dev.ucp.shopping.checkout",
    "shopping/discount.json#/$defs/dev.ucp.shopping.checkout",
    "shopping/buyer_consent.json#/$defs/dev.ucp.shopping.checkout",
)


@cache
def registry() -> Registry:
    resources = []
    for path in SCHEMAS.rglob("*.json"):
        contents = json.loads(path.read_text())
        uri = contents.get("$id") or BASE + path.relative_to(SCHEMAS).as_posix()
        resources.append((uri, Resource.from_contents(contents)))
    return Registry().with_resources(resources)


def errors(instance: Any, ref: str) -> list[str]:
    validator = Draft202012Validator({"$ref": BASE + ref}, registry=registry())
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in validator.iter_errors(instance)
    ]


def assert_valid(instance: Any, *refs: str) -> None:
    problems = [f"{ref} -> {p}" for ref in refs for p in errors(instance, ref)]
    assert not problems, "\n".join(problems)


def assert_checkout(body: dict[str, Any]) -> None:
    assert_valid(body, *CHECKOUT_SCHEMAS)


def assert_order(body: dict[str, Any]) -> None:
    assert_valid(body, "shopping/order.json")


def assert_error(body: dict[str, Any]) -> None:
    assert_valid(body, "shopping/types/error_response.json")


def assert_profile(body: dict[str, Any]) -> None:
    assert_valid(body["ucp"], "ucp.json#/$defs/business_schema")
