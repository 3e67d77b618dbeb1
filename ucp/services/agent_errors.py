"""The UCP refusals kept for the owner's Agents page: one row per error answer of a store's
UCP root, over REST (``ucp.views._run`` calls ``agent_error_record``) and over MCP
(``ucp.mcp_tools`` calls ``agent_error_record_tool`` for each tool call that fails), in the
same words for the same operation; pruned after ``UCP_AGENT_ERRORS_KEEP_DAYS`` by the daily
purge."""

import json
import logging
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from merchant.models import Store

from ..models import AgentError
from ..negotiation import Platform, parse_agent_header

log = logging.getLogger(__name__)

# What each UCP operation is, in the owner's words: (URL name, method) -> words.
OPERATIONS = {
    ("checkouts", "POST"): "Create a checkout",
    ("checkout", "GET"): "Read a checkout",
    ("checkout", "PUT"): "Update a checkout",
    ("checkout-complete", "POST"): "Complete a checkout",
    ("checkout-cancel", "POST"): "Cancel a checkout",
    ("order", "GET"): "Read an order",
    ("order", "PUT"): "Report on an order",
    ("catalog-search", "POST"): "Search the catalog",
    ("catalog-lookup", "POST"): "Look products up",
    ("catalog-product", "POST"): "Read a product",
    ("carts", "POST"): "Create a cart",
    ("cart", "GET"): "Read a cart",
    ("cart", "PUT"): "Update a cart",
    ("cart-cancel", "POST"): "Cancel a cart",
}
# The MCP binding's tools, in the words of the same operation over REST.
TOOLS = {
    "create_checkout": OPERATIONS[("checkouts", "POST")],
    "get_checkout": OPERATIONS[("checkout", "GET")],
    "update_checkout": OPERATIONS[("checkout", "PUT")],
    "complete_checkout": OPERATIONS[("checkout-complete", "POST")],
    "cancel_checkout": OPERATIONS[("checkout-cancel", "POST")],
    "get_order": OPERATIONS[("order", "GET")],
    "search_catalog": OPERATIONS[("catalog-search", "POST")],
    "lookup_catalog": OPERATIONS[("catalog-lookup", "POST")],
    "get_product": OPERATIONS[("catalog-product", "POST")],
    "create_cart": OPERATIONS[("carts", "POST")],
    "get_cart": OPERATIONS[("cart", "GET")],
    "update_cart": OPERATIONS[("cart", "PUT")],
    "cancel_cart": OPERATIONS[("cart-cancel", "POST")],
}


def operation_words(request: HttpRequest) -> str:
    match = request.resolver_match
    name = match.url_name if match else ""
    method = request.method or ""
    return OPERATIONS.get((name or "", method), f"{method} {request.path}"[:60])


def tool_words(tool: str) -> str:
    return TOOLS.get(tool, f"MCP tool {tool}"[:60])


def _platform_words(platform: Platform | None, profile_url: str) -> str:
    """The platform's name from its profile when negotiation got that far (its host and
    port), else the host and port of the profile URL it named, else blank."""
    if platform is not None and platform.name:
        return str(platform.name)[:120]
    try:
        parts = urlsplit(profile_url)
        host = f"{parts.hostname}:{parts.port}" if parts.port else parts.hostname or ""
    except ValueError:
        return ""
    return host[:120]


def platform_label(request: HttpRequest) -> str:
    """The platform of a REST request: negotiated, else named by its ``UCP-Agent`` header."""
    profile = parse_agent_header(request.headers.get("UCP-Agent", "")).get("profile", "")
    return _platform_words(getattr(request, "ucp_platform", None), profile)


def is_error_answer(response: HttpResponse) -> bool:
    return response.status_code >= 400 or b'"status":"error"' in response.content[:120]


def is_error_reply(status: int, body: dict[str, Any]) -> bool:
    """``is_error_answer`` of a reply before it is rendered (an MCP tool's)."""
    envelope = body.get("ucp")
    return status >= 400 or isinstance(envelope, dict) and envelope.get("status") == "error"


def _keep(*, store: Store, platform: str, operation: str, status: int, body: Any) -> None:
    """Keep the refusal's first error message; never lets the answer fail (a row that cannot
    be written is logged and forgotten)."""
    try:
        message = next(
            (
                m
                for m in body.get("messages", [])
                if isinstance(m, dict) and m.get("type") == "error"
            ),
            {},
        )
        with transaction.atomic():
            AgentError.objects.create(
                store=store,
                platform=platform,
                operation=operation,
                status=status,
                code=str(message.get("code", "error"))[:60],
                message=str(message.get("content", ""))[:500],
            )
    except (ValueError, AttributeError, TypeError, DatabaseError):
        log.exception("recording a UCP error answer of store %s failed", store.pk)


def agent_error_record(*, store: Store, request: HttpRequest, response: HttpResponse) -> None:
    """Keep a REST error answer of the store's UCP root."""
    try:
        body = json.loads(response.content)
    except ValueError:
        log.exception("recording a UCP error answer of store %s failed", store.pk)
        return
    _keep(
        store=store,
        platform=platform_label(request),
        operation=operation_words(request),
        status=response.status_code,
        body=body,
    )


def agent_error_record_tool(
    *,
    store: Store,
    tool: str,
    platform: Platform | None,
    profile_url: str,
    status: int,
    body: dict[str, Any],
) -> None:
    """Keep a failed MCP tool call: ``status`` is the HTTP status the same operation answers
    over REST, ``body`` its reply in the spec's shape; ``platform`` as far as negotiation got,
    else the profile URL of the call's ``meta``."""
    _keep(
        store=store,
        platform=_platform_words(platform, profile_url),
        operation=tool_words(tool),
        status=status,
        body=body,
    )


def agent_errors_purge(*, now: datetime | None = None) -> int:
    """Delete the error rows older than ``UCP_AGENT_ERRORS_KEEP_DAYS``; returns how many."""
    since = (now or timezone.now()) - timedelta(days=settings.UCP_AGENT_ERRORS_KEEP_DAYS)
    deleted, _ = AgentError.objects.filter(created_at__lt=since).delete()
    return deleted
