from django.urls import path

from . import views

app_name = "console"
urlpatterns = [
    path("", views.console_page, name="page"),
    path("turn/", views.console_turn, name="turn"),
]
