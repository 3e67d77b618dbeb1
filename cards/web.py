"""What a page using Stripe.js needs: the Content Security Policy additions for the store's
Stripe.js and API (localstripe in development and tests). The shop's card pages call
``allow_stripe_js`` on their response, as the finish page does."""

from django.http import HttpResponseBase

from merchant.models import Store

from .config import csp_additions, stripe_config


def allow_stripe_js(response: HttpResponseBase, store: Store) -> HttpResponseBase:
    additions = csp_additions(stripe_config(store))
    response._csp_update = additions  # type: ignore[attr-defined]  # read by django-csp
    response._csp_update_ro = additions  # type: ignore[attr-defined]
    return response
