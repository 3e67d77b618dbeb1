from django.contrib import admin
from django.urls import path

from voicelab.package.views import skill_package_download

from . import views

app_name = "console"
urlpatterns = [
    path("", views.console_page, name="page"),
    path("turn/", views.console_turn, name="turn"),
    # The owner's download, linked from the store's admin page: behind the admin's login.
    path(
        "stores/<int:store_id>/skill-package.zip",
        admin.site.admin_view(skill_package_download),
        name="skill_package",
    ),
]
