"""Login with Amazon's authorization code grant for the store's Amazon developer account:
the consent page's address, the code exchanged for the refresh token, and the vendors the
account may publish for.

The code exchange is LWA's ``/auth/o2/token`` (the SDK's ``LwaClient`` only refreshes);
everything after it goes through the SMAPI client."""

from urllib.parse import urlencode

from django.conf import settings

from alexa import http

from .client import SCOPES, SmapiError, allowed_hosts, call, endpoints, security_profile


def authorize_url(*, sandbox: bool, client_id: str, redirect_uri: str, state: str) -> str:
    query = urlencode(
        {
            "client_id": client_id,
            "scope": " ".join(SCOPES),
            "response_type": "code",
            "redirect_uri": redirect_uri,
            "state": state,
        }
    )
    return f"{endpoints(sandbox=sandbox).authorize}?{query}"


def exchange_code(*, sandbox: bool, connection, code: str, redirect_uri: str) -> str:
    """The refresh token LWA gives for ``code``; ``SmapiError`` in words otherwise."""
    client_id, client_secret = security_profile(connection=connection, sandbox=sandbox)
    try:
        response = http.post(
            f"{endpoints(sandbox=sandbox).lwa}/auth/o2/token",
            allowed=allowed_hosts(sandbox=sandbox),
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "client_id": client_id,
                "client_secret": client_secret,
            },
            timeout=settings.SMAPI_TIMEOUT_SECONDS,
        )
    except http.Unreachable as exc:
        raise SmapiError(f"Login with Amazon could not be reached: {exc}") from exc
    try:
        body = response.json()
    except ValueError:
        body = {}
    if response.status_code != 200 or not body.get("refresh_token"):
        reason = (
            body.get("error_description") or body.get("error") or f"HTTP {response.status_code}"
        )
        raise SmapiError(f"Login with Amazon refused the sign-in: {reason}", answer=body)
    return str(body["refresh_token"])


def vendors(client) -> list[dict]:
    """The vendors of the connected account: ``[{"id", "name", "roles"}]``."""
    response = call("the vendor list", client.get_vendor_list_v1)
    found = getattr(response.body, "vendors", None) or []
    return [{"id": v.id, "name": v.name or v.id, "roles": list(v.roles or [])} for v in found]
