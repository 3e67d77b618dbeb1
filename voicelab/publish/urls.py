"""Publishing, joined to the launch checklist's addresses (``launch:`` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("stores/<int:store_id>/publish/", views.publish_page, name="publish"),
    path("stores/<int:store_id>/publish/connect/", views.connect_start, name="connect"),
    path("connect/return/", views.connect_return, name="connect_return"),
    path("stores/<int:store_id>/publish/vendor/", views.vendor_choose, name="vendor"),
    path(
        "stores/<int:store_id>/publish/profile/",
        views.security_profile_set,
        name="security_profile",
    ),
    path("stores/<int:store_id>/publish/disconnect/", views.disconnect, name="disconnect"),
    path("stores/<int:store_id>/publish/start/", views.publish_start, name="publish_start"),
    path(
        "stores/<int:store_id>/publish/<int:publish_id>/progress/",
        views.publish_progress,
        name="publish_progress",
    ),
]
