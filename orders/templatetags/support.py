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


@register.filter
def event_details(event):
    """An event's data as (key, value) pairs to show on the timeline.

    Read with ``.items()`` here, never in the template: there ``data.items`` would name a
    key called "items" (the restock event has one) instead of the method.
    """
    data = event.data if isinstance(event.data, dict) else {}
    pairs = []
    for key, value in data.items():
        if isinstance(value, dict):
            value = ", ".join(f"{k} × {v}" for k, v in value.items())
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        pairs.append((key, value))
    return pairs
