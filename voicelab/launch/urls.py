"""The launch checklist, mounted at ``/console/launch/`` (behind the console's two-factor
rule for owners)."""

from django.urls import path

from . import views

app_name = "launch"
urlpatterns = [
    path("", views.launch_index, name="index"),
    path("stores/<int:store_id>/", views.checklist_page, name="checklist"),
    path("stores/<int:store_id>/runs/", views.run_start, name="run_start"),
    path("stores/<int:store_id>/ucp-run/", views.ucp_run, name="ucp_run"),
    path("stores/<int:store_id>/runs/<int:run_id>/", views.run_page, name="run"),
    path(
        "stores/<int:store_id>/runs/<int:run_id>/progress/",
        views.run_progress,
        name="run_progress",
    ),
    path(
        "stores/<int:store_id>/runs/latest/progress/",
        views.run_progress,
        name="latest_progress",
    ),
]
