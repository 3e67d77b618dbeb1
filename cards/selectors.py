"""Reads of the cards app, scoped by the shopper (a customer belongs to one store)."""

from orders.models import Customer

from .models import SavedCard, StripePayment


def customer_cards(customer: Customer) -> list[SavedCard]:
    """The shopper's cards, the default first, then the oldest first."""
    return list(
        SavedCard.objects.filter(customer=customer, store_id=customer.store_id).order_by(
            "-is_default", "created_at", "id"
        )
    )


def default_card(customer: Customer) -> SavedCard | None:
    return SavedCard.objects.filter(
        customer=customer, store_id=customer.store_id, is_default=True
    ).first()


def customer_card(customer: Customer, card_id: int) -> SavedCard | None:
    """One of the shopper's cards by id (another shopper's id finds nothing)."""
    return SavedCard.objects.filter(
        pk=card_id, customer=customer, store_id=customer.store_id
    ).first()


def order_card_payments(order_id: int, store_id: int) -> list[StripePayment]:
    return list(StripePayment.objects.filter(order_id=order_id, store_id=store_id))
