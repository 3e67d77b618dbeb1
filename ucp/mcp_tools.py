"""The MCP binding's tools (checkout-mcp.md, order-mcp.md, catalog/mcp.md, cart-mcp.md):
one low-level server of the official ``mcp`` SDK whose tools are the UCP operations, names
and arguments as the spec's OpenRPC (``meta`` with ``ucp-agent.profile`` and, for writes,
``idempotency-key``; ``id`` for an existing resource; ``checkout`` / ``catalog`` / ``cart``
the payload).

A tool negotiates with the platform's profile from ``meta`` (as REST does with the
``UCP-Agent`` header), verifies the request's signature when the platform signs, and calls
the same function of ``ucp.operations`` as the REST view, under the same idempotency rule.
The answer (the spec's response or error response) is the result's ``structuredContent``
and its JSON text. Errors, as overview.md's table says: discovery and version failures are
JSON-RPC ``-32001``, protocol errors (409 idempotency, 403 a shopper's call without that
shopper's token) ``-32000`` with the HTTP status of REST, arguments that do not fit the
tool's schema ``-32602``; business outcomes (not found, a declined payment, nothing
available) are results, ``isError`` where the operation refused.

The HTTP side (who the bearer token names, the store, the ASGI bridge) is ``ucp.mcp_views``:
it puts a ``Caller`` in the ASGI scope's state, read here from the request context.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import mcp.types as types
from asgiref.sync import sync_to_async
from django.http import HttpRequest
from mcp.server.lowlevel import Server
from mcp.shared.exceptions import McpError

from merchant.models import Store
from shoppers.models import ShopperAccount

from . import idempotency
from .negotiation import Platform, negotiate
from .operations import cart, catalog
from .operations import checkout as operations
from .protocol import UcpError, error_body
from .request_signatures import verify_request
from .services import agent_errors

NEGOTIATION_ERRORS = frozenset(
    {"invalid_profile_url", "profile_unreachable", "profile_malformed", "version_unsupported"}
)
PROTOCOL_STATUSES = frozenset({401, 403, 409, 413, 429, 503})
MAX_ID = 200


@dataclass
class Caller:
    """Who calls, as the HTTP side found it; ``status``/``sign`` are what it should answer."""

    store: Store
    request: HttpRequest
    base_url: str
    shopper: ShopperAccount | None  # a shopper's token (None: the platform's own)
    status: int = 200
    sign: bool = False
    tool: str = field(default="")
    platform: Platform | None = None  # once negotiated


def _meta(*, key: bool) -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "ucp-agent": {
                "type": "object",
                "properties": {"profile": {"type": "string", "maxLength": 2048}},
                "required": ["profile"],
            },
            "idempotency-key": {"type": "string", "minLength": 1, "maxLength": 200},
        },
        "required": ["ucp-agent", "idempotency-key"] if key else ["ucp-agent"],
    }
    return schema


ID = {"type": "string", "minLength": 1, "maxLength": MAX_ID}
OBJECT = {"type": "object"}


def _input(*, key: bool = False, **params: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"meta": _meta(key=key), **params},
        "required": ["meta", *params],
    }


# name -> (description, input schema)
TOOLS: dict[str, tuple[str, dict[str, Any]]] = {
    "create_checkout": ("Create a checkout session.", _input(checkout=OBJECT)),
    "get_checkout": ("Get a checkout session.", _input(id=ID)),
    "update_checkout": ("Update a checkout session.", _input(id=ID, checkout=OBJECT)),
    "complete_checkout": ("Place the order.", _input(key=True, id=ID, checkout=OBJECT)),
    "cancel_checkout": ("Cancel a checkout session.", _input(key=True, id=ID)),
    "get_order": ("Get the current state of an order.", _input(id=ID)),
    "search_catalog": ("Search the store's catalog.", _input(catalog=OBJECT)),
    "lookup_catalog": ("Look products up by id.", _input(catalog=OBJECT)),
    "get_product": ("Get one product.", _input(catalog=OBJECT)),
    "create_cart": ("Create a cart.", _input(cart=OBJECT)),
    "get_cart": ("Get a cart.", _input(id=ID)),
    "update_cart": ("Update a cart.", _input(id=ID, cart=OBJECT)),
    "cancel_cart": ("Cancel a cart.", _input(key=True, id=ID)),
}
# Checked once here: ``jsonschema.validate`` would check each schema against its metaschema
# on every call.
VALIDATORS = {name: jsonschema.Draft202012Validator(schema) for name, (_, schema) in TOOLS.items()}
WRITES = frozenset(
    {
        "create_checkout",
        "update_checkout",
        "complete_checkout",
        "cancel_checkout",
        "create_cart",
        "update_cart",
        "cancel_cart",
    }
)
SHOPPER_ONLY = frozenset({"get_order"})


def _rpc_error(code: int, message: str, data: dict[str, Any] | None = None) -> McpError:
    return McpError(types.ErrorData(code=code, message=message, data=data))


def _refusal(caller: Caller, status: int, body: dict[str, Any]) -> McpError | None:
    """The JSON-RPC error a reply is, when it is a protocol error (None: a result)."""
    messages = body.get("messages") or [{}]
    code = str(messages[0].get("code", ""))
    data = {"code": code, "content": str(messages[0].get("content", ""))}
    if code in NEGOTIATION_ERRORS:
        caller.status = status
        return _rpc_error(-32001, "UCP discovery failed", data)
    if status in PROTOCOL_STATUSES:
        caller.status = status
        return _rpc_error(-32000, "Request refused", data)
    if status == 400:
        return _rpc_error(types.INVALID_PARAMS, "Invalid params", data)
    return None


def _operation(
    name: str, caller: Caller, platform: Platform, args: dict[str, Any]
) -> Callable[[], tuple[int, dict[str, Any]]]:
    store, shopper, base = caller.store, caller.shopper, caller.base_url
    if name == "create_checkout":
        return lambda: operations.create_checkout(
            store=store, platform=platform, shopper=shopper, base_url=base, payload=args["checkout"]
        )
    if name == "get_checkout":
        return lambda: operations.get_checkout(
            store=store, platform=platform, shopper=shopper, base_url=base, checkout_id=args["id"]
        )
    if name == "update_checkout":
        return lambda: operations.update_checkout(
            store=store,
            platform=platform,
            shopper=shopper,
            base_url=base,
            checkout_id=args["id"],
            payload=args["checkout"],
        )
    if name == "complete_checkout":
        return lambda: operations.complete_checkout(
            store=store,
            platform=platform,
            shopper=shopper,
            base_url=base,
            checkout_id=args["id"],
            payload=args["checkout"],
        )
    if name == "cancel_checkout":
        return lambda: operations.cancel_checkout(
            store=store, platform=platform, base_url=base, checkout_id=args["id"]
        )
    if name == "get_order":
        return lambda: operations.get_order(
            store=store, platform=platform, shopper=shopper, order_id=args["id"]
        )
    if name == "create_cart":
        return lambda: cart.cart_create(
            store=store, platform=platform, shopper=shopper, base_url=base, payload=args["cart"]
        )
    if name in ("get_cart", "update_cart", "cancel_cart"):
        act = {"get_cart": cart.cart_get, "update_cart": cart.cart_update}.get(
            name, cart.cart_cancel
        )
        return lambda: act(
            store=store,
            platform=platform,
            shopper=shopper,
            base_url=base,
            cart_id=args["id"],
            payload=args.get("cart", {}),
        )
    handler = {
        "search_catalog": catalog.catalog_search,
        "lookup_catalog": catalog.catalog_lookup,
        "get_product": catalog.catalog_get_product,
    }[name]
    return lambda: handler(
        store=store, platform=platform, shopper=shopper, base_url=base, payload=args["catalog"]
    )


def _profile_url(arguments: dict[str, Any]) -> str:
    """The platform profile the call's ``meta`` names, or blank (arguments not yet checked)."""
    meta = arguments.get("meta")
    agent = meta.get("ucp-agent") if isinstance(meta, dict) else None
    profile = agent.get("profile") if isinstance(agent, dict) else None
    return profile[:2048] if isinstance(profile, str) else ""


def _reply(caller: Caller, name: str, arguments: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The operation's reply (status, body), refusals included, as REST would answer it."""
    if name in SHOPPER_ONLY and caller.shopper is None:
        error = UcpError(403, "identity_required", "This call needs the shopper's own token.")
        return error.status, error_body(error)
    try:
        platform = caller.platform = negotiate(f'profile="{_profile_url(arguments)}"')
        verify_request(caller.request, platform.signing_keys)
        operation = _operation(name, caller, platform, arguments)
        key = idempotency.check_key(str(arguments["meta"].get("idempotency-key", "")))
        if name not in WRITES or not key:
            return operation()
        payload = {k: v for k, v in arguments.items() if k != "meta"}
        reply = idempotency.once(
            store=caller.store,
            key=idempotency.scoped_key(profile_url=platform.profile_url, key=key),
            request_hash=idempotency.fingerprint(
                method="MCP",
                path=f"{caller.request.path}#{name}",
                raw_body=json.dumps(payload).encode(),
            ),
            operation=operation,
        )
        return reply.status, json.loads(reply.body)
    except UcpError as exc:
        return exc.status, error_body(exc)


def tool_error_record(
    caller: Caller, name: str, arguments: dict[str, Any], status: int, body: dict[str, Any]
) -> None:
    """The failed call on the owner's Agents page, as a REST error answer is."""
    agent_errors.agent_error_record_tool(
        store=caller.store,
        tool=name,
        platform=caller.platform,
        profile_url=_profile_url(arguments),
        status=status,
        body=body,
    )


def run_tool(caller: Caller, name: str, arguments: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The tool's reply (status, body), in the request's thread (the ORM is synchronous);
    raises ``McpError`` for a protocol error. Every failed call is kept for the owner."""
    caller.tool = name
    status, body = _reply(caller, name, arguments)
    if agent_errors.is_error_reply(status, body):
        tool_error_record(caller, name, arguments, status, body)
    refusal = _refusal(caller, status, body)
    if refusal is not None:
        raise refusal
    caller.sign = name == "complete_checkout"
    return status, body


def tool_list() -> list[types.Tool]:
    return [
        types.Tool(name=name, description=description, inputSchema=schema)
        for name, (description, schema) in TOOLS.items()
    ]


server: Server[Any, Any] = Server("ucp", instructions="Universal Commerce Protocol 2026-04-08")


@server.list_tools()
async def _list_tools() -> list[types.Tool]:
    return tool_list()


async def _call_tool(request: types.CallToolRequest) -> types.ServerResult:
    name, arguments = request.params.name, request.params.arguments or {}
    context = server.request_context
    caller: Caller = context.request.scope["state"]["ucp_caller"]  # type: ignore[union-attr]
    refused = None
    if name not in TOOLS:
        refused = UcpError(400, "invalid_request", f"Unknown tool: {name[:100]}")
    else:
        invalid = jsonschema.exceptions.best_match(VALIDATORS[name].iter_errors(arguments))
        if invalid is not None:
            where = "$" + "".join(f"[{p!r}]" for p in invalid.absolute_path)
            refused = UcpError(400, "invalid_request", f"{where}: {invalid.message[:300]}")
    if refused is not None:
        body = error_body(refused)
        record = sync_to_async(tool_error_record, thread_sensitive=True)
        await record(caller, name[:100], arguments, refused.status, body)
        if name not in TOOLS:
            raise _rpc_error(types.INVALID_PARAMS, refused.content)
        data = {"code": refused.code, "content": refused.content}
        raise _rpc_error(types.INVALID_PARAMS, "Invalid params", data)
    status, body = await sync_to_async(run_tool, thread_sensitive=True)(caller, name, arguments)
    text = json.dumps(body, separators=(",", ":"))
    return types.ServerResult(
        types.CallToolResult(
            content=[types.TextContent(type="text", text=text)],
            structuredContent=body,
            isError=status >= 400,
        )
    )


server.request_handlers[types.CallToolRequest] = _call_tool
