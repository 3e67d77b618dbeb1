"""Login with Amazon in the sandbox (``/sandbox/lwa/``): the token endpoint for the
authorization code and refresh token grants (``/auth/o2/token``, as at api.amazon.com), and
the authorize page on which an owner approves the code grant for a store in sandbox mode."""

import base64
import binascii
import json
from urllib.parse import urlencode, urlsplit

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from merchant.models import Role
from merchant.selectors import memberships_of_user

from . import auth


def _oauth_error(code: str, description: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": code, "error_description": description}, status=status)


def _params(request: HttpRequest) -> dict[str, str]:
    if request.content_type == "application/json":
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError):
            return {}
        return {k: str(v) for k, v in data.items()} if isinstance(data, dict) else {}
    params = {k: request.POST.get(k, "") for k in request.POST}
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("basic "):
        try:
            client_id, _, secret = base64.b64decode(header[6:]).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return params
        params.setdefault("client_id", client_id)
        params.setdefault("client_secret", secret)
    return params


def _tokens(vendor, refresh_token: str) -> JsonResponse:
    return JsonResponse(
        {
            "access_token": auth.access_token_issue(vendor=vendor),
            "refresh_token": refresh_token,
            "token_type": "bearer",
            "expires_in": auth.ACCESS_SECONDS,
        }
    )


@csrf_exempt
@require_POST
def token(request: HttpRequest) -> HttpResponse:
    params = _params(request)
    grant = params.get("grant_type", "")
    client_id, secret = params.get("client_id", ""), params.get("client_secret", "")
    if not client_id:
        return _oauth_error("invalid_client", "client_id is required.", 401)
    if grant == "refresh_token":
        refresh = params.get("refresh_token", "")
        vendor = auth.vendor_of_token(refresh, kind="refresh")
        if vendor is None:
            return _oauth_error("invalid_grant", "The refresh token is invalid or revoked.")
        if not auth.client_matches(vendor, client_id, secret):
            return _oauth_error("invalid_client", "Client authentication failed.", 401)
        return _tokens(vendor, refresh)
    if grant == "authorization_code":
        vendor = auth.authorization_code_redeem(
            code=params.get("code", ""),
            client_id=client_id,
            redirect_uri=params.get("redirect_uri", ""),
        )
        if vendor is None:
            return _oauth_error(
                "invalid_grant", "The authorization code is invalid, expired or already used."
            )
        if not auth.client_matches(vendor, client_id, secret):
            return _oauth_error("invalid_client", "Client authentication failed.", 401)
        return _tokens(vendor, auth.refresh_token_issue(vendor=vendor))
    return _oauth_error(
        "unsupported_grant_type", "grant_type must be authorization_code or refresh_token."
    )


def _request_error(request: HttpRequest) -> str:
    """Why an authorize request cannot go on ("" when it can)."""
    params = request.GET
    if params.get("response_type") != "code":
        return "The sandbox supports only the authorization code grant (response_type=code)."
    if not params.get("client_id"):
        return "The request names no client_id."
    target = urlsplit(params.get("redirect_uri", ""))
    if target.scheme not in {"http", "https"} or target.netloc != request.get_host():
        return "The redirect_uri must be an address of this portal."
    return ""


@login_required
@require_http_methods(["GET", "POST"])
def authorize(request: HttpRequest) -> HttpResponse:
    """Amazon's ``/ap/oa`` for the sandbox: the signed-in owner chooses one of their stores in
    sandbox mode; the browser goes back to ``redirect_uri`` with a code for that store's
    vendor, or with ``error=access_denied``."""
    stores = [
        m.store
        for m in memberships_of_user(user=request.user)
        if m.role == Role.OWNER and m.store.sandbox_mode
    ]
    error = _request_error(request)
    if not error and not stores:
        error = "You own no store in sandbox mode: only those have a sandbox developer account."
    if error:
        return render(request, "smapi_sandbox/authorize.html", {"error": error}, status=400)
    params = request.GET
    back = {"state": params["state"]} if params.get("state") else {}
    if request.method == "GET":
        context = {
            "stores": stores,
            "client_id": params["client_id"],
            "scopes": params.get("scope", "").split(),
        }
        return render(request, "smapi_sandbox/authorize.html", context)
    chosen = next((s for s in stores if str(s.pk) == request.POST.get("store")), None)
    if request.POST.get("decision") != "allow" or chosen is None:
        back = {"error": "access_denied", **back}
    else:
        code = auth.authorization_code_issue(
            vendor=auth.vendor_of_store(store=chosen),
            client_id=params["client_id"],
            redirect_uri=params["redirect_uri"],
            scope=params.get("scope", ""),
        )
        back = {"code": code, "scope": params.get("scope", ""), **back}
    separator = "&" if "?" in params["redirect_uri"] else "?"
    return HttpResponseRedirect(f"{params['redirect_uri']}{separator}{urlencode(back)}")
