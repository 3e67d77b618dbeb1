"""Stripe's webhook for one store, and the page that finishes a card payment the shopper's
bank wants authenticated (3-D Secure)."""

import json

import stripe
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from merchant.models import Store
from merchant.money import display
from orders.errors import OrderError
from orders.events import SHOPPER

from . import services
from .config import client_for, stripe_config
from .errors import CardError
from .models import StripePaymentStatus
from .services.paying import payment_for_token
from .web import allow_stripe_js


@csrf_exempt  # Stripe signs the request instead (Stripe-Signature)
@require_POST
def stripe_webhook(request: HttpRequest, store_slug: str) -> HttpResponse:
    store = get_object_or_404(Store, slug=store_slug)
    secret = stripe_config(store).webhook_secret
    if not secret:
        return JsonResponse({"error": "no webhook secret"}, status=400)
    payload = request.body
    try:
        stripe.Webhook.construct_event(payload, request.headers.get("Stripe-Signature", ""), secret)
        event = json.loads(payload)
    except (ValueError, stripe.SignatureVerificationError):
        return JsonResponse({"error": "bad signature or payload"}, status=400)
    outcome = services.stripe_event_handle(store=store, event=event)
    return JsonResponse({"outcome": outcome})


@require_http_methods(["GET", "POST"])
def finish_payment(request: HttpRequest, store_slug: str, token: str) -> HttpResponseBase:
    payment = payment_for_token(store_slug=store_slug, token=token)
    if payment is None:
        raise Http404("This payment link is not valid.")
    store = payment.store
    error = ""
    if request.method == "POST":
        try:
            services.card_payment_finish(payment=payment, actor_label=SHOPPER)
        except CardError as exc:
            error = exc.message
        except OrderError as exc:  # sold out or changed meanwhile: the money was given back
            error = exc.message
        if not error:
            return redirect(request.path)
        payment.refresh_from_db()
    context = {
        "store": store,
        "shopper": None,
        "payment": payment,
        "order": payment.order,
        "amount": display(payment.amount, payment.currency, payment.order.locale),
        "card": payment.card.describe() if payment.card else "",
        "error": error,
        "waiting": payment.status == StripePaymentStatus.REQUIRES_ACTION,
        "placed": payment.status in (StripePaymentStatus.AUTHORIZED, StripePaymentStatus.CAPTURED),
    }
    if context["waiting"]:
        config = stripe_config(store)
        intent = client_for(store).v1.payment_intents.retrieve(payment.payment_intent_id)
        context.update(
            client_secret=intent.client_secret,
            publishable_key=config.publishable_key,
            js_url=config.js_url,
        )
    response = render(request, "cards/finish_payment.html", context)
    return allow_stripe_js(response, store) if context["waiting"] else response
