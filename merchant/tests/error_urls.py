"""The portal's URLs plus one view that fails, to see the 500 page (test_error_pages.py)."""

from django.urls import path

from config.urls import urlpatterns as portal_urlpatterns


def fail(request):
    raise RuntimeError("a bug")


urlpatterns = [path("fail/", fail), *portal_urlpatterns]
