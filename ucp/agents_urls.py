"""The owner's Agents pages, mounted at ``/console/agents/`` (``ucp.agents_page``)."""

from django.urls import path

from . import agents_page as views

app_name = "agents"
urlpatterns = [
    path("", views.agents_index, name="index"),
    path("stores/<int:store_id>/", views.agents_page, name="page"),
    path("stores/<int:store_id>/ucp/", views.ucp_switch, name="ucp_switch"),
    path("stores/<int:store_id>/clients/", views.client_create, name="client_create"),
    path(
        "stores/<int:store_id>/clients/<int:client_id>/rotate/",
        views.client_rotate,
        name="client_rotate",
    ),
    path(
        "stores/<int:store_id>/clients/<int:client_id>/revoke/",
        views.client_revoke,
        name="client_revoke",
    ),
]
