"""Validation against the UCP 2026-04-08 JSON Schemas, for the launch checklist's UCP checks
(the tests validate every response with the same schemas, ``ucp/tests/schema_check.py``).

The schemas are the specification's own files, kept once in the repository with their
licence under ``ucp/schemas`` (the app's data: the checklist reads them at run time, the
tests too); read as data files, never imported. A deployment without them gets
``SchemasMissing``, which the checklist reports as a warning.
"""

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from referencing import Registry, Resource

SCHEMAS = Path(__file__).parent / "schemas"
BASE = "https://ucp.dev/schemas/"
PROFILE = "ucp.json#/$defs/business_schema"
ORDER = "shopping/order.json"
ERROR = "shopping/types/error_response.json"
CHECKOUT = (
    "shopping/checkout.json",
    "shopping/fulfillment.json#/$defs/dev.ucp.shopping.checkout",
    "shopping/discount.json#/$defs/dev.ucp.shopping.checkout",
    "shopping/buyer_consent.json#/$defs/dev.ucp.shopping.checkout",
)


class SchemasMissing(Exception):
    pass


@cache
def registry() -> Registry:
    if not (SCHEMAS / "ucp.json").exists():
        raise SchemasMissing(f"The UCP JSON Schemas are not in {SCHEMAS}.")
    resources = []
    for path in SCHEMAS.rglob("*.json"):
        contents = json.loads(path.read_text())
        uri = contents.get("$id") or BASE + path.relative_to(SCHEMAS).as_posix()
        resources.append((uri, Resource.from_contents(contents)))
    return Registry().with_resources(resources)


def schema_errors(instance: Any, *refs: str) -> list[str]:
    """Each way ``instance`` breaks the schemas ``refs``, one line each ("" path: the root)."""
    problems = []
    for ref in refs:
        validator = Draft202012Validator({"$ref": BASE + ref}, registry=registry())
        for error in validator.iter_errors(instance):
            where = "/".join(map(str, error.absolute_path)) or "(root)"
            problems.append(f"{where}: {error.message}"[:300])
    return problems


def profile_errors(profile: dict[str, Any]) -> list[str]:
    ucp = profile.get("ucp") if isinstance(profile, dict) else None
    return schema_errors(ucp, PROFILE)
