"""django-oauth-toolkit's validator, narrowed to the portal's rule: a store's Alexa client
issues codes and tokens only to shoppers of that store.

The authorization page already sends anyone else to the store's login; these checks hold the
rule at the token endpoint too (a code or refresh token whose user is no longer, or never
was, a shopper of the client's store is refused), so no path issues a token across stores.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from oauth2_provider.models import Application
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauthlib.common import Request
from oauthlib.oauth2.rfc6749 import errors

from .models import StoreAlexaClient


def user_is_shopper_of_client_store(user: AbstractBaseUser | None, client: Application) -> bool:
    if user is None or not user.is_active:
        return False
    account = getattr(user, "shopper_account", None)
    if account is None:  # a staff login, or a shopper account since deleted
        return False
    return StoreAlexaClient.objects.filter(
        application_id=client.pk, store_id=account.store_id
    ).exists()


class StoreOAuth2Validator(OAuth2Validator):
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
