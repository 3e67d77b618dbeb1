"""The voice test console, mounted at ``/console/`` with the rest of the voice tooling
(``voicelab.urls`` adds the skill package download to this namespace)."""

from django.urls import path

from . import views

app_name = "console"
urlpatterns = [
    path("", views.console_page, name="page"),
    path("turn/", views.console_turn, name="turn"),
]
