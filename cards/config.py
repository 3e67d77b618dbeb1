"""The Stripe account of a store: its own keys (``StripeSettings``) or the environment's
(STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY, STRIPE_WEBHOOK_SECRET), the API base and the
Stripe.js address (STRIPE_API_BASE, STRIPE_JS_URL: localstripe in development and tests).

Every call goes through a ``StripeClient`` made for that store: the library's global
``stripe.api_key`` is never set, so two stores never share a key.
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

import stripe
from django.conf import settings

from merchant.models import Store

from .errors import StripeNotConfigured
from .models import CaptureMode, StripeSettings

STRIPE_API_BASE = "https://api.stripe.com"


@dataclass(frozen=True)
class StripeConfig:
    secret_key: str
    publishable_key: str
    webhook_secret: str
    api_base: str
    js_url: str
    capture: str

    @property
    def capture_at_once(self) -> bool:
        return self.capture == CaptureMode.AT_ONCE

    @property
    def is_localstripe(self) -> bool:
        """Anything but Stripe's own API is the embedded fake (localstripe)."""
        return urlsplit(self.api_base).hostname not in ("api.stripe.com", None)


def store_settings(store: Store) -> StripeSettings | None:
    try:
        return store.stripe_settings
    except StripeSettings.DoesNotExist:
        return None


def stripe_config(store: Store) -> StripeConfig:
    own = store_settings(store)
    secret = own.secret_key() if own else ""
    publishable = own.publishable_key if own else ""
    webhook = own.webhook_secret() if own else ""
    return StripeConfig(
        secret_key=secret or settings.STRIPE_SECRET_KEY,
        publishable_key=publishable or settings.STRIPE_PUBLISHABLE_KEY,
        webhook_secret=webhook or settings.STRIPE_WEBHOOK_SECRET,
        api_base=settings.STRIPE_API_BASE.rstrip("/"),
        js_url=settings.STRIPE_JS_URL,
        capture=own.capture if own else CaptureMode.ON_SHIPPING,
    )


def stripe_client(config: StripeConfig) -> stripe.StripeClient:
    if not config.secret_key:
        raise StripeNotConfigured("This store takes no cards: its Stripe keys are not set.")
    return stripe.StripeClient(
        config.secret_key,
        base_addresses={"api": config.api_base},
        max_network_retries=2,
    )


def client_for(store: Store) -> stripe.StripeClient:
    return stripe_client(stripe_config(store))


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def csp_additions(config: StripeConfig) -> dict[str, list[str]]:
    """What a page using Stripe.js needs beyond the portal's policy: the script, its calls
    to the API and its frames (Stripe's 3-D Secure and card fields)."""
    js, api = origin(config.js_url), origin(config.api_base)
    return {
        "script-src": [js],
        "connect-src": sorted({js, api}),
        "frame-src": sorted(
            {js, "https://hooks.stripe.com"} if not config.is_localstripe else {js}
        ),
    }
