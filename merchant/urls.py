from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False)),
    path("alexa/", include("skill.urls")),
    path("console/", include("skill.console.urls")),
    path("support/", include("orders.urls")),
    path("admin/", admin.site.urls),
]
