"""The publish page of the launch checklist (``/console/launch/stores/<id>/publish/``), for
store owners only (a catalog editor or support agent gets 403, another store's id 404):
connect the store to an Amazon developer account (Login with Amazon, then the vendor),
disconnect, publish (optionally submitting for certification), and the JSON progress
``static/voicelab/publish.js`` polls.

The Login with Amazon return address is one for every store
(``/console/launch/connect/return/``, the security profile's allowed return URL): the
``state`` kept in the session says which store, and proves the answer is to this browser.
"""

import secrets

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from merchant.crypto import encrypt
from merchant.models import Store
from voicelab.launch.selectors import launch_stores
from voicelab.models import SkillPublish, SmapiConnection

from . import selectors, services
from .client import SmapiError, security_profile, smapi_client, store_uses_sandbox
from .connect import authorize_url, exchange_code, vendors
from .pipeline import STEP_TITLES

SESSION_KEY = "smapi_connect"


def _store(request, store_id) -> Store:
    stores = launch_stores(user=request.user)
    store = stores.filter(pk=store_id).first()
    if store is None:
        if not stores.exists():
            raise PermissionDenied("Publishing is for store owners.")
        raise Http404("No store of yours has that id.")
    return store


def _return_url() -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("launch:connect_return")


@require_GET
@login_required
def publish_page(request, store_id: int):
    store = _store(request, store_id)
    connection = selectors.connection_of_store(store)
    publishes = selectors.store_publishes(store=store)
    latest = publishes[0] if publishes else None
    context = {
        **admin.site.each_context(request),
        "title": f"Publish to Alexa: {store.name}",
        "store": store,
        "connection": connection if connection and connection.connected else None,
        "skill_id": connection.skill_id if connection else "",
        "sandbox": store_uses_sandbox(store),
        "publishes": publishes,
        "latest": latest,
        "latest_steps": _steps(latest) if latest else [],
        "active": next((p for p in publishes if p.active), None),
        "events": selectors.smapi_events(store=store),
        "amazon": selectors.amazon_skills(store=store, connection=connection),
        "endpoint": store.alexa_endpoint_url(),
        "own_profile": connection.client_id if connection else "",
        "return_url": _return_url(),
    }
    return render(request, "voicelab/publish/publish.html", context)


@require_POST
@login_required
def connect_start(request, store_id: int):
    store = _store(request, store_id)
    sandbox = store_uses_sandbox(store)
    client_id, _ = security_profile(
        connection=selectors.connection_of_store(store), sandbox=sandbox
    )
    if not client_id:
        messages.error(
            request,
            "No Login with Amazon security profile is configured: set LWA_CLIENT_ID and "
            "LWA_CLIENT_SECRET, or give the store its own.",
        )
        return redirect("launch:publish", store.pk)
    state = secrets.token_urlsafe(24)
    request.session[SESSION_KEY] = {"state": state, "store": store.pk, "sandbox": sandbox}
    return redirect(
        authorize_url(sandbox=sandbox, client_id=client_id, redirect_uri=_return_url(), state=state)
    )


@require_GET
@login_required
def connect_return(request):
    pending = request.session.pop(SESSION_KEY, None) or {}
    if not pending or request.GET.get("state") != pending.get("state"):
        raise PermissionDenied("This sign-in was not started here: connect again.")
    store = _store(request, pending["store"])
    if request.GET.get("error"):
        reason = request.GET.get("error_description") or request.GET["error"]
        messages.error(request, f"Amazon did not connect the account: {reason}")
        return redirect("launch:publish", store.pk)
    connection = selectors.connection_of_store(store) or SmapiConnection(store=store)
    sandbox = bool(pending.get("sandbox"))
    try:
        token = exchange_code(
            sandbox=sandbox,
            connection=connection,
            code=request.GET.get("code", ""),
            redirect_uri=_return_url(),
        )
        # The vendors, asked with the new token before anything is kept.
        probe = SmapiConnection(
            store=store,
            client_id=connection.client_id,
            client_secret_encrypted=connection.client_secret_encrypted,
            refresh_token_encrypted=encrypt(token),
            sandbox=sandbox,
        )
        found = vendors(smapi_client(probe))
    except SmapiError as exc:
        messages.error(request, str(exc))
        return redirect("launch:publish", store.pk)
    if not found:
        messages.error(request, "That Amazon account has no vendor to publish skills for.")
        return redirect("launch:publish", store.pk)
    services.smapi_connection_connect(
        store=store, actor=request.user, refresh_token=token, sandbox=sandbox, vendors=found
    )
    messages.success(request, "The Amazon developer account is connected.")
    return redirect("launch:publish", store.pk)


@require_POST
@login_required
def security_profile_set(request, store_id: int):
    """The store's own Login with Amazon security profile (both empty: the deployment's)."""
    store = _store(request, store_id)
    client_id = request.POST.get("client_id", "").strip()
    client_secret = request.POST.get("client_secret", "").strip()
    if bool(client_id) != bool(client_secret):
        messages.error(request, "Give both the client id and the client secret, or neither.")
        return redirect("launch:publish", store.pk)
    services.smapi_security_profile_set(
        store=store, actor=request.user, client_id=client_id, client_secret=client_secret
    )
    messages.success(
        request,
        "The store uses its own security profile."
        if client_id
        else "The store uses the deployment's security profile.",
    )
    return redirect("launch:publish", store.pk)


@require_POST
@login_required
def vendor_choose(request, store_id: int):
    store = _store(request, store_id)
    try:
        services.smapi_vendor_choose(
            store=store, actor=request.user, vendor_id=request.POST.get("vendor_id", "")
        )
    except (services.PublishRefused, SmapiConnection.DoesNotExist) as exc:
        messages.error(request, str(exc) or "Connect the Amazon developer account first.")
    return redirect("launch:publish", store.pk)


@require_POST
@login_required
def disconnect(request, store_id: int):
    store = _store(request, store_id)
    if services.smapi_connection_disconnect(store=store, actor=request.user):
        messages.success(
            request,
            "The Amazon developer account is disconnected: the portal forgot its token. "
            "Remove the portal's access at Amazon too (Login with Amazon, your apps).",
        )
    return redirect("launch:publish", store.pk)


@require_POST
@login_required
def publish_start(request, store_id: int):
    store = _store(request, store_id)
    try:
        publish, created = services.publish_start(
            store=store, actor=request.user, submit=request.POST.get("submit") == "on"
        )
    except services.PublishRefused as refused:
        messages.error(request, str(refused))
        return redirect("launch:publish", store.pk)
    if not created:
        messages.info(request, "A publish of this store is already running.")
    return redirect("launch:publish", store.pk)


@require_GET
@login_required
def publish_progress(request, store_id: int, publish_id: int):
    store = _store(request, store_id)
    publish = selectors.store_publish(store=store, publish_id=publish_id)
    if publish is None:
        raise Http404("No such publish of this store.")
    return JsonResponse(
        {
            "id": publish.pk,
            "status": publish.status,
            "status_label": publish.get_status_display(),
            "active": publish.active,
            "skill_id": publish.skill_id,
            "error": publish.error,
            "steps": _steps(publish),
        }
    )


def _steps(publish: SkillPublish) -> list[dict]:
    return [
        {
            "name": s["name"],
            "title": STEP_TITLES.get(s["name"], s["name"]),
            "status": s["status"],
            "detail": s["detail"],
        }
        for s in publish.steps
    ]
