"""What the cards app does when orders tells it something (connected in ``CardsConfig.ready``):
a shopper's erasure forgets their cards and, after the commit, their Stripe customer; the
support console's customer page shows their saved cards."""

from typing import Any

from orders.customer_sections import CustomerSection
from orders.models import Customer

from .models import StripeCustomer
from .selectors import customer_cards
from .services import customer_stripe_forget


def forget_at_stripe(sender: Any, *, customer: Customer, **kwargs: Any) -> None:
    """``orders.signals.customer_erased``: inside the erasure's transaction."""
    customer_stripe_forget(customer=customer)


def saved_cards_section(customer: Customer) -> CustomerSection | None:
    cards = customer_cards(customer)
    if not cards and not StripeCustomer.objects.filter(customer=customer).exists():
        return None
    return CustomerSection(
        title="Saved cards",
        rows=[
            (
                card.describe(),
                f"expires {card.exp_month:02d}/{card.exp_year}"
                + (", default" if card.is_default else ""),
            )
            for card in cards
        ],
        empty="No saved cards.",
        order=40,
    )
