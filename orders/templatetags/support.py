from django import template
from django.utils.html import format_html

from merchant.money import display

from ..selectors import CART_STATUSES
from .order_words import customer_event_words, event_data_words

register = template.Library()


@register.filter
def money(amount, currency):
    if amount is None or amount == "":
        return ""
    return display(amount, currency)


def payment_label(order) -> tuple[str, str]:
    """The payment badge's class and words, the same on every page: a checkout whose payment
    was declined stays pending (the shopper may try again) but reads "Declined". Reads the
    ``payment_declined`` annotation of ``selectors.with_decline_reason`` when present."""
    if order.status in CART_STATUSES and getattr(order, "payment_declined", False):
        return "declined", "Declined"
    return order.payment_status, order.get_payment_status_display()


@register.filter
def payment_badge(order):
    css, words = payment_label(order)
    return format_html('<span class="badge {}">{}</span>', css, words)


@register.filter
def actor(event):
    """Who did it: the staff member's name, else the label (shopper, system)."""
    if event.actor_id:
        user = event.actor
        return user.get_full_name() or user.get_username()
    return event.actor_label or "system"


@register.filter
def event_details(event, currency=""):
    """An event's data as (label, value) pairs in words (``order_words.event_data_words``).

    Read with ``.items()`` there, never in the template: here ``data.items`` would name a
    key called "items" (the restock event has one) instead of the method.
    """
    return event_data_words(event.data, currency=currency)


@register.filter
def customer_event_details(event):
    """A customer audit row's data as (label, value) pairs in words."""
    return customer_event_words(event.data)


@register.filter
def customer_event_actor(event):
    """Who did it: the staff member's name, else the channel (the shopper by voice, ...)."""
    if event.actor_id:
        return event.actor.get_full_name() or event.actor.get_username()
    return event.get_source_display()
