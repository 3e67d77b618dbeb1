"""Saved cards and the Stripe gateway: the store's Stripe keys, cards saved with
SetupIntents, off-session charges, the Stripe webhook."""

from django.apps import AppConfig


class CardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cards"
    verbose_name = "Cards (Stripe)"

    def ready(self) -> None:
        # App loading: the gateway imports models, and the tasks must be registered in every
        # process (web, worker, tests), as orders does with its own.
        from orders.gateways import register_gateway

        from . import tasks  # noqa: F401
        from .gateway import NAME, StripeGateway

        register_gateway(NAME, StripeGateway)
