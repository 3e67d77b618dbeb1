"""Amazon's SMAPI description (``data/smapi_spec.json``, Swagger 2.0 from the ASK CLI's
repository, Apache-2.0: ``data/LICENSE-ask-cli``) and a check that a response matches it."""

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]

SPEC = Path(__file__).parent / "data" / "smapi_spec.json"


# The description's generic maps (``Map<String, Object>``: a request or response body passed
# through, slot values) are written as "additionalProperties: an object"; Amazon's SDK models
# type them ``Dict[str, object]``, any JSON value, and so does the check.
ANY_OBJECT = {"type": "object", "properties": {}}


def _relax(node: object) -> object:
    if isinstance(node, dict):
        relaxed = {key: _relax(value) for key, value in node.items()}
        if relaxed.get("additionalProperties") == ANY_OBJECT:
            relaxed["additionalProperties"] = {}
        return relaxed
    if isinstance(node, list):
        return [_relax(item) for item in node]
    return node


@cache
def spec() -> dict:
    loaded = json.loads(SPEC.read_text())
    return {**loaded, "definitions": _relax(loaded["definitions"])}


def response_schema(method: str, path: str, status: int) -> dict | None:
    """The schema Amazon gives for ``status`` of ``method path`` (None: no body)."""
    operation = spec()["paths"][path][method.lower()]
    answer = operation["responses"][str(status)]
    return answer.get("schema")


def check(response, method: str, path: str) -> Any:
    """``response`` (a Django test or requests response) has a status Amazon lists for the
    operation and a body that validates against its schema; returns the body."""
    status = response.status_code
    operation = spec()["paths"][path][method.lower()]
    assert str(status) in operation["responses"], f"{status} is not a status of {method} {path}"
    schema = operation["responses"][str(status)].get("schema")
    raw = response.content
    if schema is None:
        return None
    body = json.loads(raw)
    validator = jsonschema.Draft4Validator({**schema, "definitions": spec()["definitions"]})
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    return body
