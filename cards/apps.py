"""Saved cards and the Stripe gateway: the store's Stripe keys, cards saved with
SetupIntents, off-session charges, the Stripe webhook."""

from django.apps import AppConfig


class CardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "cards"
    verbose_name = "Cards (Stripe)"

    def ready(self) -> None:
        # App loading: the gateway, the receivers and the section read models, and the tasks
        # must be registered in every process (web, worker, tests), as orders does.
        from orders.customer_sections import register_customer_section
        from orders.gateways import register_gateway
        from orders.signals import customer_erased

        from . import tasks  # noqa: F401
        from .gateway import NAME, StripeGateway
        from .receivers import forget_at_stripe, saved_cards_section

        register_gateway(NAME, StripeGateway)
        customer_erased.connect(forget_at_stripe, dispatch_uid="cards.forget_at_stripe")
        register_customer_section(saved_cards_section)
