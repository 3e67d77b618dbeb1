"""``{% staff_memberships request.user as memberships %}``: the user's role in each store, for
the "who and which store" line of page headers (the support console's)."""

from django import template

from ..models import Area
from ..selectors import memberships_of_user, stores_for_user

register = template.Library()


@register.simple_tag
def staff_memberships(user):
    return memberships_of_user(user=user)


@register.simple_tag
def manages_staff(user) -> bool:
    """The user owns a store (or is a superuser): the admin's home links the staff pages."""
    return stores_for_user(user=user, area=Area.SETTINGS).exists()
