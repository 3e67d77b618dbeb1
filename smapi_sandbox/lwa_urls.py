"""Login with Amazon in the sandbox, mounted at ``/sandbox/lwa/``."""

from django.urls import path

from . import lwa_views

app_name = "smapi_lwa"
urlpatterns = [
    path("auth/o2/token", lwa_views.token, name="token"),
]
