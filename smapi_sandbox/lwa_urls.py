"""Login with Amazon in the sandbox, mounted at ``/sandbox/lwa/``."""

from django.urls import path

from . import lwa_views

app_name = "smapi_lwa"
urlpatterns = [
    path("auth/o2/token", lwa_views.token, name="token"),
    # Amazon's SDKs (ask-sdk-model-runtime's LwaClient) spell it with a capital O, as Amazon
    # accepts.
    path("auth/O2/token", lwa_views.token, name="token_sdk"),
    # As www.amazon.com/ap/oa: the consent page of the authorization code grant.
    path("ap/oa", lwa_views.authorize, name="authorize"),
]
