"""The UCP refusals kept for the owner's Agents page: one row per error answer of a store's
UCP root (``ucp.views._run`` calls ``agent_error_record`` for each), pruned after
``UCP_AGENT_ERRORS_KEEP_DAYS`` by the daily purge."""

import json
import logging
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from merchant.models import Store

from ..models import AgentError
from ..negotiation import parse_agent_header

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
}


def operation_words(request: HttpRequest) -> str:
    match = request.resolver_match
    name = match.url_name if match else ""
    method = request.method or ""
    return OPERATIONS.get((name or "", method), f"{method} {request.path}"[:60])


def platform_label(request: HttpRequest) -> str:
    """The platform's name from its profile when negotiation got that far, else its profile's
    host from the ``UCP-Agent`` header, else blank."""
    platform = getattr(request, "ucp_platform", None)
    if platform is not None and platform.name:
        return str(platform.name)[:120]
    profile = parse_agent_header(request.headers.get("UCP-Agent", "")).get("profile", "")
    return (urlsplit(profile).hostname or "")[:120] if profile else ""


def is_error_answer(response: HttpResponse) -> bool:
    return response.status_code >= 400 or b'"status":"error"' in response.content[:120]


def agent_error_record(*, store: Store, request: HttpRequest, response: HttpResponse) -> None:
    """Keep the refusal's first error message; never lets the answer fail (a row that cannot
    be written is logged and forgotten)."""
    try:
        body = json.loads(response.content)
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
                platform=platform_label(request),
                operation=operation_words(request),
                status=response.status_code,
                code=str(message.get("code", "error"))[:60],
                message=str(message.get("content", ""))[:500],
            )
    except (ValueError, AttributeError, DatabaseError):
        log.exception("recording a UCP error answer of store %s failed", store.pk)


def agent_errors_purge(*, now: datetime | None = None) -> int:
    """Delete the error rows older than ``UCP_AGENT_ERRORS_KEEP_DAYS``; returns how many."""
    since = (now or timezone.now()) - timedelta(days=settings.UCP_AGENT_ERRORS_KEEP_DAYS)
    deleted, _ = AgentError.objects.filter(created_at__lt=since).delete()
    return deleted
