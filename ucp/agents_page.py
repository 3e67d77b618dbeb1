"""The owner's "Agents" page of a store, mounted at ``/console/agents/`` (behind the
console's two-factor rule for owners): UCP on or off, the profile URL (and the shop domain's),
the platforms' OAuth clients (register, rotate, revoke: the secret shown once), the recent
agent checkouts and the last error answers in words.

Owners only (the settings area): a user who owns no store gets 403, another store is a 404.
Every change is a POST through a service (``ucp.services.owner``, ``linking.services``).
"""

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from linking import selectors as linking_reads
from linking import services as linking
from linking.endpoints import access_token_url, platform_scopes
from linking.errors import LinkingError
from merchant.models import Area, Store
from merchant.selectors import stores_for_user

from . import selectors
from .forms import PlatformClientForm
from .services.owner import ucp_set_enabled

TEMPLATE = "ucp/agents.html"


def _stores(request: HttpRequest):
    return stores_for_user(user=request.user, area=Area.SETTINGS)


def _store(request: HttpRequest, store_id: int) -> Store:
    stores = _stores(request)
    store = stores.filter(pk=store_id).first()
    if store is None:
        if not stores.exists():
            raise PermissionDenied("The Agents page is for store owners.")
        raise Http404("No store of yours has that id.")
    return store


def _owner(request: HttpRequest) -> User:
    assert isinstance(request.user, User)  # login_required let only a login in
    return request.user


def _page(
    request: HttpRequest,
    store: Store,
    *,
    form: PlatformClientForm | None = None,
    secret: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    base = request.build_absolute_uri("/").rstrip("/")
    scheme = "https" if request.is_secure() else "http"
    context = {
        **admin.site.each_context(request),
        "title": f"Agents: {store.name}",
        "store": store,
        "profile_url": f"{base}/ucp/{store.slug}/.well-known/ucp",
        "domain_profile_url": (
            f"{scheme}://{store.shop_domain}/.well-known/ucp" if store.shop_domain else ""
        ),
        "clients": linking_reads.platform_clients_of_store(store),
        "checkouts": selectors.agent_orders(store=store),
        "errors": selectors.agent_errors(store=store),
        "form": form or PlatformClientForm(),
        "secret": secret,
    }
    response = render(request, TEMPLATE, context, status=status)
    if secret:
        response["Cache-Control"] = "no-store"
    return response


@require_GET
@login_required
def agents_index(request: HttpRequest) -> HttpResponse:
    stores = list(_stores(request))
    if not stores:
        raise PermissionDenied("The Agents page is for store owners.")
    if len(stores) == 1:
        return redirect("agents:page", stores[0].pk)
    context = {**admin.site.each_context(request), "title": "Agents", "stores": stores}
    return render(request, "ucp/agents_index.html", context)


@require_GET
@login_required
def agents_page(request: HttpRequest, store_id: int) -> HttpResponse:
    return _page(request, _store(request, store_id))


@require_POST
@login_required
def ucp_switch(request: HttpRequest, store_id: int) -> HttpResponse:
    store = _store(request, store_id)
    enabled = request.POST.get("enabled") == "on"
    ucp_set_enabled(store=store, enabled=enabled, actor=_owner(request))
    messages.success(
        request,
        "Shopping agents can buy from the store again."
        if enabled
        else "UCP is off: shopping agents find no store here until you switch it on.",
    )
    return redirect("agents:page", store.pk)


def _secret_shown(client, secret: str) -> dict[str, Any]:
    return {
        "name": client.name,
        "client_id": client.application.client_id,
        "client_secret": secret,
        "token_url": access_token_url(),
        "scopes": platform_scopes(),
    }


@require_POST
@login_required
def client_create(request: HttpRequest, store_id: int) -> HttpResponse:
    store = _store(request, store_id)
    form = PlatformClientForm(request.POST)
    if form.is_valid():
        name = form.cleaned_data["name"]
        if linking_reads.platform_client_of_store(store, name) is not None:
            form.add_error("name", f"{name} is registered already: rotate its secret below.")
        else:
            try:
                client, secret = linking.platform_client_register(
                    store=store,
                    name=name,
                    redirect_uris=form.cleaned_data["redirect_uris"],
                    actor=_owner(request),
                )
            except LinkingError as exc:
                form.add_error("redirect_uris" if "URI" in exc.message else "name", exc.message)
            else:
                return _page(request, store, secret=_secret_shown(client, secret))
    return _page(request, store, form=form, status=400)


def _client(store: Store, client_id: int):
    client = next(
        (c for c in linking_reads.platform_clients_of_store(store) if c.pk == client_id), None
    )
    if client is None:
        raise Http404("No platform client of this store has that id.")
    return client


@require_POST
@login_required
def client_rotate(request: HttpRequest, store_id: int, client_id: int) -> HttpResponse:
    store = _store(request, store_id)
    client = _client(store, client_id)
    client, secret = linking.platform_client_register(
        store=store, name=client.name, actor=_owner(request)
    )
    return _page(request, store, secret=_secret_shown(client, secret))


@require_POST
@login_required
def client_revoke(request: HttpRequest, store_id: int, client_id: int) -> HttpResponse:
    store = _store(request, store_id)
    client = _client(store, client_id)
    linking.platform_client_revoke(client=client, actor=_owner(request))
    messages.success(request, f"{client.name} is revoked: its tokens no longer work.")
    return redirect(reverse("agents:page", args=[store.pk]) + "#clients")
