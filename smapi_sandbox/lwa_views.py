"""Login with Amazon in the sandbox (``/sandbox/lwa/``): the token endpoint for the
authorization code and refresh token grants (``/auth/o2/token``, as at api.amazon.com), and
the authorize page on which an owner approves the code grant for a store in sandbox mode."""

import base64
import binascii
import json

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

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
