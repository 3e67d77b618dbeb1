"""The cards app's URLs (namespace ``cards``): Stripe's webhook per store and the page that
finishes a payment needing 3-D Secure, inside the store's shop."""

from django.urls import path

from . import views

app_name = "cards"

urlpatterns = [
    path("stripe/webhook/<slug:store_slug>/", views.stripe_webhook, name="stripe_webhook"),
    path("shop/<slug:store_slug>/pay/<str:token>/", views.finish_payment, name="finish_payment"),
]
