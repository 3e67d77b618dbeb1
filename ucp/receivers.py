"""Order changes made anywhere in the portal (the support console, the orders API, the
simulation hook) become order events for the platform that placed the order."""

from typing import Any

from django.dispatch import receiver

from orders.signals import order_status_changed

from .models import CheckoutSession
from .services.webhooks import order_webhook_queue


@receiver(order_status_changed, dispatch_uid="ucp.order_status_changed")
def queue_order_event(sender: Any, order: Any, status: str, **kwargs: Any) -> None:
    session = CheckoutSession.objects.select_related("store").filter(order=order).first()
    if session is None or not session.webhook_url:
        return
    session.order = order
    order_webhook_queue(session=session, event=str(status))
