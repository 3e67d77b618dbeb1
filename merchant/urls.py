from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from orders.api import OrderViewSet

api = DefaultRouter()
api.register("orders", OrderViewSet, basename="api-order")

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("alexa/", include("skill.urls")),
    path("console/", include("skill.console.urls")),
    path("support/", include("orders.urls")),
    path("api/", include(api.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("admin/", admin.site.urls),
]
