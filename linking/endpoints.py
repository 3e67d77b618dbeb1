"""The addresses and values Alexa's account-linking settings need, from the deployment's
public base URL (``PUBLIC_BASE_URL``): printed by ``alexa_link_client`` and written into the
skill package's ``account-linking.json`` (SMAPI's ``accountLinkingRequest``)."""

from typing import Any

from django.conf import settings
from django.urls import reverse
from oauth2_provider.settings import oauth2_settings

from .models import StoreAlexaClient
from .oauth import PLATFORM_SCOPE

# The secret exists in plain text only when it is made (DOT keeps its hash): the package
# carries this in its place; the owner pastes the secret from the owner page or the command.
CLIENT_SECRET_PLACEHOLDER = "PASTE-THE-CLIENT-SECRET-SHOWN-WHEN-IT-WAS-MADE"


def absolute(path: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + path


def authorization_url() -> str:
    return absolute(reverse("oauth2_provider:authorize"))


def access_token_url() -> str:
    return absolute(reverse("oauth2_provider:token"))


def scopes() -> list[str]:
    return list(oauth2_settings.DEFAULT_SCOPES)


def account_linking_request(client: StoreAlexaClient, client_secret: str = "") -> dict[str, Any]:
    """``{"accountLinkingRequest": {...}}`` as ``ask smapi update-account-linking-info
    --account-linking-request file:account-linking.json`` takes it."""
    return {
        "accountLinkingRequest": {
            "type": "AUTH_CODE",
            "authorizationUrl": authorization_url(),
            "accessTokenUrl": access_token_url(),
            "clientId": client.application.client_id,
            "clientSecret": client_secret or CLIENT_SECRET_PLACEHOLDER,
            "accessTokenScheme": "HTTP_BASIC",
            "defaultTokenExpirationInSeconds": oauth2_settings.ACCESS_TOKEN_EXPIRE_SECONDS,
            # The login and consent pages load nothing from other domains.
            "domains": [],
            "scopes": scopes(),
            "skipOnEnablement": False,
        }
    }


def platform_scopes() -> list[str]:
    """What a platform client may ask for: the shopper scopes (authorization code) and its
    own (client credentials)."""
    return [*scopes(), PLATFORM_SCOPE]
