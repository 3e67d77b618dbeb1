"""django-oauth-toolkit's validator, narrowed to the portal's rule: a store's clients (its
Alexa client, the platform clients the owner registered) issue codes and tokens only to
shoppers of that store, and a revoked platform client gets nothing.

The authorization page already sends anyone else to the store's login; these checks hold the
rule at the token endpoint too (a code or refresh token whose user is no longer, or never
was, a shopper of the client's store is refused), so no path issues a token across stores.

DOT allows one grant type per application. A platform's application is an authorization
code one (PKCE required: ``linking.pkce``) that may also take ``client_credentials`` for the
platform itself: ``validate_grant_type`` allows that grant to live platform clients only.
Such a token has no user and only the ``PLATFORM_SCOPE``; that scope is never given to a
shopper's token.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from oauth2_provider.models import Application
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.common import Request
from oauthlib.oauth2.rfc6749 import errors

from . import selectors

# The scope of a platform's own (client-credentials) token: initialize the MCP session, list
# the tools, browse the catalog and check out without a linked shopper.
PLATFORM_SCOPE = "catalog"
CLIENT_CREDENTIALS = "client_credentials"


def user_is_shopper_of_client_store(user: AbstractBaseUser | None, client: Application) -> bool:
    if user is None or not user.is_active:
        return False
    account = getattr(user, "shopper_account", None)
    if account is None:  # a staff login, or a shopper account since deleted
        return False
    return selectors.client_store_id(client.pk) == account.store_id


class StoreOAuth2Validator(OAuth2Validator):
    def validate_grant_type(
        self,
        client_id: str,
        grant_type: str,
        client: Application,
        request: Request,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        if selectors.client_store_id(client.pk) is None:
            return False  # a revoked platform client, or an application of no store
        if grant_type == CLIENT_CREDENTIALS:
            return selectors.live_platform_client(client.pk) is not None
        return bool(super().validate_grant_type(client_id, grant_type, client, request))

    def get_default_scopes(
        self, client_id: str, request: Request, *args: Any, **kwargs: Any
    ) -> list[str]:
        if request.grant_type == CLIENT_CREDENTIALS:
            return [PLATFORM_SCOPE]
        return list(super().get_default_scopes(client_id, request, *args, **kwargs))

    def validate_scopes(
        self,
        client_id: str,
        scopes: list[str],
        client: Application,
        request: Request,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        if request.grant_type == CLIENT_CREDENTIALS:
            return set(scopes) <= {PLATFORM_SCOPE}
        if PLATFORM_SCOPE in scopes:
            return False
        return bool(super().validate_scopes(client_id, scopes, client, request, *args, **kwargs))

    def save_authorization_code(
        self, client_id: str, code: dict[str, str], request: Request, *args: Any, **kwargs: Any
    ) -> None:
        if not user_is_shopper_of_client_store(request.user, request.client):
            raise errors.AccessDeniedError(request=request)
        super().save_authorization_code(client_id, code, request, *args, **kwargs)

    def validate_code(
        self,
        client_id: str,
        code: str,
        client: Application,
        request: Request,
        *args: Any,
        **kwargs: Any,
    ) -> bool:
        valid = super().validate_code(client_id, code, client, request, *args, **kwargs)
        return bool(valid) and user_is_shopper_of_client_store(request.user, client)

    def validate_refresh_token(
        self, refresh_token: str, client: Application, request: Request, *args: Any, **kwargs: Any
    ) -> bool:
        valid = super().validate_refresh_token(refresh_token, client, request, *args, **kwargs)
        return bool(valid) and user_is_shopper_of_client_store(request.user, client)
