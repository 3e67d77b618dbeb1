"""Signals the orders services send, for the apps above orders (which orders never imports).

``order_status_changed`` is sent inside the service's transaction, with ``order`` and
``status`` (the ``OrderEventType``: shipped, out for delivery, delivered, cancelled; and
refund pending, completed or declined, from ``order_refund`` and ``refund_settle``): a
receiver that records an effect in the outbox commits or rolls back with the change, and
takes only the statuses it cares about.

``customers_merged`` is sent by ``customer_merge`` inside its transaction, with ``into`` and
``other`` (both locked): each app above orders that keeps rows of a customer (the shoppers'
cart and wish list) moves its own rows from ``other`` onto ``into`` there.
"""

from django.dispatch import Signal

order_status_changed = Signal()
customers_merged = Signal()

# Sent inside ``customer_erase``'s transaction, with ``customer`` (already blanked): apps
# above orders erase what they keep of the shopper (saved cards and the Stripe customer, the
# web account) in the same transaction, and queue their after-commit effects in the outbox.
customer_erased = Signal()
