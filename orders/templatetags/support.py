from django import template

from merchant.money import display

register = template.Library()


@register.filter
def money(amount, currency):
    if amount is None or amount == "":
        return ""
    return display(amount, currency)


@register.filter
def actor(event):
    """Who did it: the staff member's name, else the label (shopper, system)."""
    if event.actor_id:
        user = event.actor
        return user.get_full_name() or user.get_username()
    return event.actor_label or "system"
