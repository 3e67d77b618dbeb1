"""Signals the orders services send, for the apps above orders (which orders never imports).

``order_status_changed`` is sent inside the service's transaction, with ``order`` and
``status`` (the ``OrderEventType``: shipped, out for delivery, delivered): a receiver that
records an effect in the outbox commits or rolls back with the change.
"""

from django.dispatch import Signal

order_status_changed = Signal()
