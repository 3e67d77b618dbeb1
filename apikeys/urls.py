"""The API keys pages, mounted at /admin/api-keys/ (admin views: ``admin.site.admin_view``)."""

from django.contrib import admin
from django.urls import path

from . import views

app_name = "api_keys"
wrap = admin.site.admin_view

urlpatterns = [
    path("", wrap(views.api_keys_index), name="index"),
    path("<int:store_id>/", wrap(views.api_keys_store), name="store"),
    path("<int:store_id>/<str:prefix>/revoke/", wrap(views.api_key_revoke), name="revoke"),
]
