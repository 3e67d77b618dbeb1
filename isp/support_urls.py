"""The support console's in-skill purchasing page, under /support/ (namespace isp_support)."""

from django.urls import path

from . import views

app_name = "isp_support"
urlpatterns = [
    path(
        "customers/<int:pk>/purchases/",
        views.customer_purchases,
        name="customer_purchases",
    ),
]
