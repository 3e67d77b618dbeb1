"""The shop's two account pages the emails link to, under their URL names, for the tests of
the email text (the shop app serves the real pages)."""

from django.http import HttpRequest, HttpResponse
from django.urls import include, path


def page(request: HttpRequest, **kwargs: str) -> HttpResponse:
    return HttpResponse("")


shop_patterns = [
    path("<slug:store_slug>/verify/<uidb64>/<token>/", page, name="verify_email"),
    path("<slug:store_slug>/reset/<uidb64>/<token>/", page, name="password_reset_confirm"),
]
urlpatterns = [path("shop/", include((shop_patterns, "shop")))]
