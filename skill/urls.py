from django.urls import path

from . import views

app_name = "skill"
urlpatterns = [
    path("", views.alexa_endpoint, name="endpoint"),
]
