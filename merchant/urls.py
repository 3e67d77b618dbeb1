"""The invitation's one-time link, mounted at /account/ (outside the admin: the colleague
has no password yet). The staff pages themselves are admin views (``StoreAdmin.get_urls``)."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "welcome/<uidb64>/<token>/",
        views.StaffWelcomeView.as_view(),
        name="staff_welcome",
    ),
    path("welcome/done/", views.StaffWelcomeDoneView.as_view(), name="staff_welcome_done"),
]
