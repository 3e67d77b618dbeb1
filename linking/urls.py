"""Account linking's endpoints, mounted at the site root by config/urls.py. The paths are the
ones Alexa's account-linking settings and the RFC 8414 metadata name: keep them exactly.
The namespace is DOT's own, so its metadata view finds the endpoints by name."""

from django.urls import path
from oauth2_provider.views import OAuthServerMetadataView, RevokeTokenView, TokenView

from .views import AlexaAuthorizationView

app_name = "oauth2_provider"

urlpatterns = [
    path("o/authorize/", AlexaAuthorizationView.as_view(), name="authorize"),
    path("o/token/", TokenView.as_view(), name="token"),
    path("o/revoke_token/", RevokeTokenView.as_view(), name="revoke-token"),
    path(
        ".well-known/oauth-authorization-server",
        OAuthServerMetadataView.as_view(),
        name="oauth-server-metadata",
    ),
]
