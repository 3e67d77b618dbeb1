"""Every write of the cards app: saving and removing cards, paying an order with a saved
card (and finishing a payment the bank wanted authenticated), forgetting a shopper at
Stripe, and booking Stripe's webhook events.

Callers use the package: ``from cards import services as cards; cards.card_save(...)``.
"""

from .paying import card_payment_finish, finish_path, finish_url, order_pay_with_card
from .saving import (
    CardSetup,
    card_remove,
    card_save,
    card_save_for_test,
    card_set_default,
    card_setup_start,
    customer_stripe_forget,
)
from .webhook import stripe_event_handle

__all__ = [
    "CardSetup",
    "card_payment_finish",
    "card_remove",
    "card_save",
    "card_save_for_test",
    "card_set_default",
    "card_setup_start",
    "customer_stripe_forget",
    "finish_path",
    "finish_url",
    "order_pay_with_card",
    "stripe_event_handle",
]
