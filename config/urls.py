from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter
from two_factor.urls import urlpatterns as two_factor_urls

from catalog.api import CategoryViewSet, ProductViewSet, StockAdjustmentViewSet
from config.health import health_view
from config.metrics import metrics_view
from merchant.api_docs import ApiDocsRedocView, ApiDocsSwaggerView
from merchant.login import PortalLoginView
from orders.api import OrderViewSet
from ucp.mcp_views import protected_resource_metadata

api = DefaultRouter()
api.register("orders", OrderViewSet, basename="api-order")
api.register("categories", CategoryViewSet, basename="api-category")
api.register("products", ProductViewSet, basename="api-product")
stock_adjustments = StockAdjustmentViewSet.as_view({"post": "create"})

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("alexa/", include("skill.urls")),
    # The merchant's voice tooling: the launch checklist, the voice console, the package zip.
    path("console/agents/", include("ucp.agents_urls")),  # the owner's Agents page (ucp app)
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
    # The embedded SMAPI sandbox (smapi_sandbox app): Amazon's Skill Management API and
    # Login with Amazon for stores in sandbox mode.
    path("sandbox/smapi/", include("smapi_sandbox.urls")),
    path("sandbox/lwa/", include("smapi_sandbox.lwa_urls")),
    path("api/analytics/", include("analytics.urls")),
    # The owner's dashboard (analytics/dashboard/): owners only, second factor checked there.
    path("dashboard/", include("analytics.dashboard.urls")),
    path("transcripts/", include("analytics.transcripts.urls")),
    path(
        "api/products/<int:product_pk>/stock-adjustments/",
        stock_adjustments,
        name="api-product-stock-adjustments",
    ),
    path("api/", include(api.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsSwaggerView.as_view(), name="api-docs"),
    path("api/redoc/", ApiDocsRedocView.as_view(), name="api-redoc"),
    # The one login page (password, then the two-factor code): before the admin's own.
    path("admin/login/", PortalLoginView.as_view(), name="login"),
    # A store's API keys (owners): made, listed, revoked (apikeys app).
    path("admin/api-keys/", include("apikeys.urls")),
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

if settings.MEDIA_STORAGE == "local":
    # Uploaded product images stored on this server's disk (make run, a single server); with
    # MEDIA_STORAGE=s3 the bucket serves them (config/media_settings.py).
    def media(request, path):
        return serve(request, path, document_root=str(settings.MEDIA_ROOT))

    urlpatterns.append(re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", media))
