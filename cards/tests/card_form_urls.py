"""The portal's URLs plus one page that shows the card form include, as the shop's account
page does (the browser tests of the form use it; the shop has the real page)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.template import engines
from django.urls import path

from cards import services as cards
from cards.web import allow_stripe_js
from config.urls import urlpatterns as portal_urlpatterns
from orders.models import Customer

PAGE = engines["django"].from_string(
    """{% extends "shop/base.html" %}{% load static %}
{% block styles %}<link rel="icon" href="{% static 'portal/favicon.svg' %}">{% endblock %}
{% block content %}
<p id="saved">{{ saved }}</p>
{% include "cards/card_form.html" %}
{% endblock %}"""
)


def card_form_page(request: HttpRequest, customer_id: int) -> HttpResponse:
    customer = get_object_or_404(Customer, pk=customer_id)
    saved = ""
    if request.method == "POST":
        card = cards.card_save(customer=customer, setup_intent_id=request.POST["setup_intent_id"])
        saved = f"Saved: {card.describe()}"
    context = {
        "store": customer.store,
        "shopper": None,
        "saved": saved,
        "card_setup": cards.card_setup_start(customer=customer),
        "card_save_url": request.path,
    }
    response = HttpResponse(PAGE.render(context, request))
    allow_stripe_js(response, customer.store)
    return response


urlpatterns = [
    path("test-card-form/<int:customer_id>/", card_form_page, name="test_card_form"),
    *portal_urlpatterns,
]
