"""Who calls the sandbox: vendors, their LWA security profile and the tokens it issues.

Tokens look like Amazon's (``Atza|...`` access tokens for an hour, ``Atzr|...`` refresh
tokens until the store leaves sandbox mode) and are kept as digests. A call is accepted with
``Authorization: Bearer <token>`` and with the bare token, as the ASK CLI sends both.
"""

import secrets
import string
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from merchant.models import Store

from .models import AuthorizationCode, Token, Vendor, digest

ACCESS_SECONDS = 3600
CODE_SECONDS = 300


@dataclass(frozen=True)
class Credentials:
    access_token: str
    refresh_token: str
    client_id: str
    client_secret: str
    vendor_id: str

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def _random(length: int, alphabet: str = string.ascii_uppercase + string.digits) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def vendor_of_store(*, store: Store) -> Vendor:
    """The store's sandbox vendor, made on first use."""
    vendor = Vendor.objects.filter(store=store).first()
    if vendor is not None:
        return vendor
    vendor, _ = Vendor.objects.get_or_create(
        store=store,
        defaults={
            "vendor_id": f"M{_random(13)}",
            "name": store.name,
            "client_id": f"amzn1.application-oa2-client.{secrets.token_hex(16)}",
            "client_secret": secrets.token_hex(32),
        },
    )
    return vendor


def access_token_issue(*, vendor: Vendor) -> str:
    """A new access token for an hour (the vendor's expired ones are forgotten)."""
    token = f"Atza|{secrets.token_urlsafe(48)}"
    Token.objects.filter(
        vendor=vendor, kind=Token.Kind.ACCESS, expires_at__lte=timezone.now()
    ).delete()
    Token.objects.create(
        vendor=vendor,
        kind=Token.Kind.ACCESS,
        digest=digest(token),
        expires_at=timezone.now() + timedelta(seconds=ACCESS_SECONDS),
    )
    return token


def refresh_token_issue(*, vendor: Vendor) -> str:
    token = f"Atzr|{secrets.token_urlsafe(48)}"
    Token.objects.create(vendor=vendor, kind=Token.Kind.REFRESH, digest=digest(token))
    return token


@transaction.atomic
def credentials_issue(*, store: Store) -> Credentials:
    """A fresh token pair for the store's vendor (``smapi_sandbox_token``)."""
    vendor = vendor_of_store(store=store)
    return Credentials(
        access_token=access_token_issue(vendor=vendor),
        refresh_token=refresh_token_issue(vendor=vendor),
        client_id=vendor.client_id,
        client_secret=vendor.client_secret,
        vendor_id=vendor.vendor_id,
    )


def vendor_of_token(token: str, *, kind: str = Token.Kind.ACCESS) -> Vendor | None:
    """The vendor a live token of ``kind`` was issued to, if its store is in sandbox mode."""
    if not token:
        return None
    row = (
        Token.objects.select_related("vendor__store")
        .filter(digest=digest(token), kind=kind)
        .first()
    )
    if row is None or not row.vendor.store.sandbox_mode:
        return None
    if row.expires_at is not None and row.expires_at <= timezone.now():
        return None
    return row.vendor


def vendor_of_request(request: HttpRequest) -> Vendor | None:
    header = request.headers.get("Authorization", "").strip()
    scheme, _, rest = header.partition(" ")
    token = rest.strip() if scheme.lower() == "bearer" else header
    return vendor_of_token(token)


def client_matches(vendor: Vendor, client_id: str, client_secret: str) -> bool:
    """The vendor's own profile must give its secret; another client id (the deployment's
    security profile, which the sandbox does not know) is taken on trust."""
    if client_id != vendor.client_id:
        return True
    return secrets.compare_digest(client_secret, vendor.client_secret)


def authorization_code_issue(
    *, vendor: Vendor, client_id: str, redirect_uri: str, scope: str
) -> str:
    code = _random(20, string.ascii_letters)
    AuthorizationCode.objects.create(
        vendor=vendor,
        digest=digest(code),
        client_id=client_id,
        redirect_uri=redirect_uri,
        scope=scope,
        expires_at=timezone.now() + timedelta(seconds=CODE_SECONDS),
    )
    return code


@transaction.atomic
def authorization_code_redeem(*, code: str, client_id: str, redirect_uri: str) -> Vendor | None:
    """The vendor of a live, unused code given to this client and redirect URI (then used)."""
    row = (
        AuthorizationCode.objects.select_for_update()
        .select_related("vendor__store")
        .filter(digest=digest(code or ""))
        .first()
    )
    if (
        row is None
        or row.used
        or row.expires_at <= timezone.now()
        or row.client_id != client_id
        or row.redirect_uri != redirect_uri
        or not row.vendor.store.sandbox_mode
    ):
        return None
    row.used = True
    row.save(update_fields=["used"])
    return row.vendor
