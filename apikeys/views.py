"""The API keys page of a store (owners, in the portal's look): make a key (shown once, in a
field with a copy button), see every key's scopes and last use, revoke one, and the audit of
these changes.

``/admin/api-keys/`` leads to the owner's store (or lists them); ``/admin/api-keys/<store
id>/`` is the page; ``.../<key id>/revoke/`` revokes (POST). Admin views (staff logins, the
second factor, CSRF, never cached); another store is a 404, a store the user works for in
another role a 403. Every change goes through ``apikeys.services``.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from merchant.models import Area
from merchant.selectors import store_managed_by, stores_for_user, works_for

from . import selectors, services
from .forms import NewKeyForm


def _managed_store(request, store_id):
    store = store_managed_by(user=request.user, store_id=store_id)
    if store is not None:
        return store
    if works_for(user=request.user, store_id=store_id):
        raise PermissionDenied("Only the store's owners manage its API keys.")
    raise Http404("No store of yours has this number.")


def _render(request, template, context):
    return render(request, template, {**admin.site.each_context(request), **context})


def api_keys_index(request):
    stores = list(stores_for_user(user=request.user, area=Area.SETTINGS))
    if not stores:
        raise PermissionDenied("Only a store's owners manage its API keys.")
    if len(stores) == 1:
        return redirect("api_keys:store", stores[0].pk)
    return _render(request, "apikeys/index.html", {"title": "API keys", "stores": stores})


# The new key waits here in the session between the POST and the page it redirects to, which
# takes it out: a reload then shows it no more (and makes no second key).
SHOWN_ONCE = "api_key_shown_once"


def _take_new_key(request, store):
    waiting = request.session.pop(SHOWN_ONCE, None)
    if not waiting or waiting.get("store") != store.pk:
        return None
    keys = selectors.api_keys_of_store(store=store)
    found = next((k for k in keys if k.prefix == waiting.get("prefix")), None)
    return {"key": found, "plain": waiting["plain"]} if found is not None else None


def api_keys_store(request, store_id):
    store = _managed_store(request, store_id)
    form = NewKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            key, plain = services.api_key_create(
                store=store,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                actor=request.user,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            request.session[SHOWN_ONCE] = {"store": store.pk, "prefix": key.prefix, "plain": plain}
            return redirect("api_keys:store", store.pk)
    return _render(
        request,
        "apikeys/store.html",
        {
            "title": f"API keys of {store.name}",
            "store": store,
            "form": form,
            "new_key": _take_new_key(request, store) if request.method == "GET" else None,
            "keys": selectors.api_keys_of_store(store=store),
            "events": selectors.api_key_events(store=store),
        },
    )


@require_POST
def api_key_revoke(request, store_id, prefix):
    store = _managed_store(request, store_id)
    try:
        key = services.api_key_revoke(store=store, prefix=prefix, actor=request.user)
    except services.ApiKeyError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"Revoked the key “{key.name}”: requests with it are refused from now on."
        )
    return redirect("api_keys:store", store.pk)
