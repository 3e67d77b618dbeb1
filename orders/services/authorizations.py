"""Charge Later: authorizations close to their 30-day expiry.

The beat job (``tasks.check_expiring_authorizations``) finds them with
``selectors.authorizations_expiring``; these services warn on the timeline once, then capture
or release the authorization as the store chose (``store.authorization_expiry_action``).
"""

from django.db import transaction

from merchant.models import ExpiryAction

from .. import events
from ..events import SYSTEM
from ..models import Order, OrderEventType
from ..selectors import order_authorization_transaction
from ._locks import lock_order
from .fulfilment import order_cancel
from .payments import order_capture, order_void


@transaction.atomic
def order_warn_authorization_expiring(*, order: Order) -> bool:
    """Write the warning on the timeline once; False when already warned or not open."""
    order = lock_order(order)
    if not order.has_open_authorization():
        return False
    if order.events.filter(type=OrderEventType.AUTHORIZATION_EXPIRING).exists():
        return False
    auth = order_authorization_transaction(order)
    assert auth is not None  # order.has_open_authorization()
    events.authorization_expiring(
        order,
        expires_at=auth.expires_at.isoformat() if auth.expires_at else "",
        action=order.store.authorization_expiry_action,
    )
    return True


def order_settle_expiring_authorization(*, order: Order) -> Order:
    """Capture or release an authorization about to expire, per the store's setting."""
    order = Order.objects.select_related("store").get(pk=order.pk)
    if order.store.authorization_expiry_action == ExpiryAction.CAPTURE:
        return order_capture(order=order, actor_label=SYSTEM)
    if order.can_cancel():
        return order_cancel(
            order=order, actor_label=SYSTEM, restock=True, reason="Authorization expiring"
        )
    return order_void(order=order, actor_label=SYSTEM, reason="Authorization expiring")
