"""The MCP endpoint, ``/ucp/<store-slug>/mcp`` (Streamable HTTP), and its RFC 9728 protected
resource metadata.

The portal is served by WSGI (gunicorn); the SDK's transport is ASGI. This view runs it the
way Django runs an async view under WSGI: ``asgiref.async_to_sync`` gives the request its own
event loop while this thread waits and runs the tools' ORM work (``sync_to_async``, thread
sensitive), so a tool call uses the request's database connection and transaction like a
REST view. The SDK's stateless session manager answers with JSON (no SSE stream, no session
to keep between workers): one request, one answer, on any worker.

Before the SDK sees the request, the bearer token is checked, as Alexa+ asks: none, or one
that is not a live token of this store's Alexa client or platform clients, is 401 without
``WWW-Authenticate`` (the platform finds the authorization server through the metadata).
A platform's own (client-credentials) token may initialize, list the tools, browse the
catalog and check out without a shopper; a shopper's token (authorization code) acts for
that shopper (the partner wallet, their orders).
"""

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import anyio
from asgiref.sync import async_to_sync
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from mcp.server.streamable_http_manager import StreamableHTTPSessionManager

from linking.oauth import PLATFORM_SCOPE
from linking.selectors import agent_access
from merchant.domains import ucp_root
from merchant.models import Store

from .mcp_tools import Caller, server
from .signing import sign_response
from .wallet import WALLET_SCOPE

JSON = "application/json"
Message = MutableMapping[str, Any]


def _unauthorized(message: str = "Unauthorized") -> HttpResponse:
    body = {"jsonrpc": "2.0", "id": None, "error": {"code": -32000, "message": message}}
    return JsonResponse(body, status=401)


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _caller(request: HttpRequest, store: Store) -> Caller | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    access = agent_access(store=store, access_token=token.strip())
    if access is None:
        return None
    if access.account is None and not access.allows(PLATFORM_SCOPE):
        return None
    shopper = access.account if access.account and access.allows(WALLET_SCOPE) else None
    if access.account is not None and shopper is None:
        return None  # a shopper's token without the orders scope acts for no one
    return Caller(store=store, request=request, base_url=_base_url(request), shopper=shopper)


def _unreadable(body: bytes) -> bool:
    """Whether the body is not JSON at all: the SDK's parser fails on deep nesting with a
    RecursionError (a 500) where it should answer a parse error."""
    try:
        json.loads(body)
    except (ValueError, RecursionError):
        return True
    return False


def _scope(request: HttpRequest, caller: Caller) -> dict[str, Any]:
    headers = [
        (name.lower().encode("latin-1"), value.encode("latin-1", "replace"))
        for name, value in request.headers.items()
    ]
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": request.method or "GET",
        "scheme": request.scheme or "http",
        "path": request.path,
        "raw_path": request.path.encode(),
        "root_path": "",
        "query_string": request.META.get("QUERY_STRING", "").encode("latin-1", "replace"),
        "headers": headers,
        "client": (request.META.get("REMOTE_ADDR", ""), 0),
        "server": (request.get_host(), int(request.get_port() or 80)),
        "state": {"ucp_caller": caller},
    }


def _serve(request: HttpRequest, caller: Caller) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """The SDK's answer to the request: status, headers and body."""
    body = request.body
    answered: dict[str, Any] = {"status": 500, "headers": [], "body": b""}

    async def run() -> None:
        done = anyio.Event()
        delivered = False

        async def receive() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            await done.wait()
            return {"type": "http.disconnect"}

        async def send(message: Message) -> None:
            if message["type"] == "http.response.start":
                answered["status"] = message["status"]
                answered["headers"] = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                answered["body"] += message.get("body", b"")
                if not message.get("more_body", False):
                    done.set()

        manager = StreamableHTTPSessionManager(app=server, json_response=True, stateless=True)
        async with manager.run():
            await manager.handle_request(_scope(request, caller), receive, send)
        done.set()

    runner: Callable[[], Awaitable[None]] = run
    async_to_sync(runner)()
    return answered["status"], answered["headers"], answered["body"]


@csrf_exempt
def mcp_endpoint(request: HttpRequest, store_slug: str) -> HttpResponse:
    store = Store.objects.filter(slug=store_slug, ucp_enabled=True).first()  # UCP off: none
    if store is None:
        return JsonResponse({"error": "not_found"}, status=404)
    caller = _caller(request, store)
    if caller is None:
        return _unauthorized()
    if request.method != "POST":
        # Stateless: no stream to open with GET (it would hold a worker), no session to
        # DELETE. The transport allows a server to answer 405 to both.
        error = {"code": -32600, "message": "Method not allowed: use POST."}
        refused = JsonResponse({"jsonrpc": "2.0", "id": None, "error": error}, status=405)
        refused["Allow"] = "POST"
        return refused
    if _unreadable(request.body):
        error = {"code": -32700, "message": "Parse error"}
        return JsonResponse({"jsonrpc": "2.0", "id": None, "error": error}, status=400)
    status, headers, body = _serve(request, caller)
    if caller.status != 200 and status == 200:
        status = caller.status  # a protocol error: the HTTP status of REST (overview.md)
    response = HttpResponse(body, status=status)
    for raw_name, raw_value in headers:
        if raw_name.lower() not in (b"content-length", b"date", b"server"):
            response[raw_name.decode("latin-1")] = raw_value.decode("latin-1")
    if caller.sign and status == 200:  # complete_checkout: signed like REST (RFC 9421)
        content_type = response.get("Content-Type", JSON)
        signed = sign_response(store=store, status=status, body=body, content_type=content_type)
        for name, value in signed.items():
            response[name] = value
    return response


def protected_resource_metadata(request: HttpRequest, store_slug: str) -> HttpResponse:
    """RFC 9728 metadata of the store's MCP endpoint, at the path the RFC derives from the
    resource's URL (``/.well-known/oauth-protected-resource`` + ``/ucp/<slug>/mcp``, or
    + ``/mcp`` on the store's own domain)."""
    store = Store.objects.filter(slug=store_slug, ucp_enabled=True).first()  # UCP off: none
    if store is None:
        return JsonResponse({"error": "not_found"}, status=404)
    base = _base_url(request)
    body = {
        "resource": f"{ucp_root(request, store.slug)}/mcp",  # on a shop domain: its /mcp
        # DOT's RFC 8414 issuer (linking.urls): the site root, without a trailing slash.
        "authorization_servers": [base],
        "scopes_supported": [PLATFORM_SCOPE, "profile", "cart", "orders"],
        "bearer_methods_supported": ["header"],
        "resource_name": store.name,
    }
    response = HttpResponse(json.dumps(body), content_type=JSON)
    response["Cache-Control"] = "public, max-age=300"
    response["Access-Control-Allow-Origin"] = "*"
    return response
