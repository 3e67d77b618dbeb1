"""Every write to customers, orders, payments and refill plans, one module per aggregate.

Each service is atomic, locks the rows it changes (in primary-key order, ``_locks``),
re-checks the model's guards under the lock, writes its audit event in the same transaction
(``orders.events``) and raises ``OrderError`` with an ``OrderErrorCode`` when it refuses.
Celery tasks are queued after commit, only through ``orders.effects``. Reads live in
``orders.selectors``.

Callers use the package: ``from orders import services as orders; orders.order_place(...)``.
"""

from ..events import SHOPPER, SYSTEM
from .authorizations import order_settle_expiring_authorization, order_warn_authorization_expiring
from .cart import (
    CartItem,
    CartResult,
    cart_abandon,
    cart_set_checkout,
    cart_set_discount_codes,
    cart_set_items,
    cart_start,
)
from .chargebacks import (
    chargeback_reference,
    order_book_chargeback,
    order_book_chargeback_reversal,
)
from .customer_identity import customer_merge, customer_set_alexa_user
from .customers import (
    customer_get_or_create,
    customer_mark_order_updates_offered,
    customer_set_alexa_permissions,
    customer_set_order_updates,
    customer_set_payment_consent,
    customer_store_billing_agreement,
    customer_store_delivery_contact,
)
from .erasure import customer_erase
from .fulfilment import (
    order_add_note,
    order_cancel,
    order_deliver,
    order_mark_out_for_delivery,
    order_record_alexa_notification,
    order_ship,
)
from .payments import (
    PaymentResult,
    order_capture,
    order_mark_collected,
    order_record_decline,
    order_void,
)
from .placing import PlaceResult, order_place, order_release_unplaceable_payment
from .refill_plans import (
    RenewalOutcome,
    refill_plan_cancel,
    refill_plan_create,
    refill_plan_pause,
    refill_plan_renew,
    refill_plan_resume,
    refill_plan_skip,
)
from .refunds import (
    order_refund,
    refund_amount_for_lines,
    refund_limit_error,
    refund_request_create,
    refund_request_resolve,
    refund_settle,
)

__all__ = [
    "SHOPPER",
    "SYSTEM",
    "CartItem",
    "CartResult",
    "PaymentResult",
    "PlaceResult",
    "RenewalOutcome",
    "cart_abandon",
    "cart_set_checkout",
    "cart_set_discount_codes",
    "cart_set_items",
    "cart_start",
    "chargeback_reference",
    "customer_erase",
    "customer_get_or_create",
    "customer_mark_order_updates_offered",
    "customer_merge",
    "customer_set_alexa_permissions",
    "customer_set_alexa_user",
    "customer_set_order_updates",
    "customer_set_payment_consent",
    "customer_store_billing_agreement",
    "customer_store_delivery_contact",
    "order_add_note",
    "order_book_chargeback",
    "order_book_chargeback_reversal",
    "order_cancel",
    "order_capture",
    "order_deliver",
    "order_mark_collected",
    "order_mark_out_for_delivery",
    "order_place",
    "order_record_alexa_notification",
    "order_record_decline",
    "order_refund",
    "order_release_unplaceable_payment",
    "order_settle_expiring_authorization",
    "order_ship",
    "order_void",
    "order_warn_authorization_expiring",
    "refill_plan_cancel",
    "refill_plan_create",
    "refill_plan_pause",
    "refill_plan_skip",
    "refill_plan_renew",
    "refill_plan_resume",
    "refund_amount_for_lines",
    "refund_limit_error",
    "refund_request_create",
    "refund_request_resolve",
    "refund_settle",
]
