from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter
from two_factor.urls import urlpatterns as two_factor_urls

from config.health import health_view
from config.metrics import metrics_view
from merchant.api_docs import ApiDocsRedocView, ApiDocsSwaggerView
from merchant.login import PortalLoginView
from orders.api import OrderViewSet
from ucp.mcp_views import protected_resource_metadata

api = DefaultRouter()
api.register("orders", OrderViewSet, basename="api-order")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("alexa/", include("skill.urls")),
    # The merchant's voice tooling: the launch checklist, the voice console, the package zip.
    path("console/", include("voicelab.urls")),
    path("support/", include("orders.urls")),
    # Stripe's webhook and the card payment finish page (/shop/<slug>/pay/<token>/).
    path("", include("cards.urls")),
    path("shop/", include("shop.urls")),
    # Account linking (linking app): /o/authorize/, /o/token/, /o/revoke_token/ and
    # /.well-known/oauth-authorization-server, exactly these paths (Alexa's settings name them).
    path("", include("linking.urls")),
    # Every store's Universal Commerce Protocol root: /ucp/<store-slug>/ (ucp app).
    path("ucp/", include("ucp.urls")),
    # RFC 9728 metadata of each store's MCP endpoint (/ucp/<store-slug>/mcp).
    path(
        ".well-known/oauth-protected-resource/ucp/<slug:store_slug>/mcp",
        protected_resource_metadata,
        name="ucp-mcp-resource-metadata",
    ),
    path("support/", include("isp.support_urls")),
    path("sandbox/monetization/", include("isp.sandbox_urls")),
    path("api/analytics/", include("analytics.urls")),
    # The owner's dashboard (analytics/dashboard/): owners only, second factor checked there.
    path("dashboard/", include("analytics.dashboard.urls")),
    path("api/", include(api.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsSwaggerView.as_view(), name="api-docs"),
    path("api/redoc/", ApiDocsRedocView.as_view(), name="api-redoc"),
    # The one login page (password, then the two-factor code): before the admin's own.
    path("admin/login/", PortalLoginView.as_view(), name="login"),
    path("admin/", admin.site.urls),
    # two_factor's enrolment and backup codes; its own login page leads to the portal's.
    path(
        "account/login/",
        RedirectView.as_view(pattern_name="admin:login", query_string=True, permanent=False),
    ),
    # The staff invitation's one-time link (the colleague chooses a password).
    path("account/", include("merchant.urls")),
    path("", include(two_factor_urls)),
    # Operations: answered by config.health.HealthCheckMiddleware before the host check.
    path("healthz", health_view, name="healthz"),
    path("metrics", metrics_view, name="metrics"),
]
