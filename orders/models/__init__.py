"""The orders app's tables: customers and their audit, orders and their lines, the payment
ledger, the order timeline and refund requests, refill plans, and the embedded Amazon Pay
sandbox's own state (Amazon's side, for tests and demos).

Order status (the goods) and payment status (the money) are separate. Payment status is
derived from the ledger (``PaymentTransaction``) by the services in ``orders/services/``,
which are the only code that writes these tables.
"""

from .customers import Customer, CustomerEvent, CustomerEventSource, CustomerEventType
from .events import OrderEvent, OrderEventType, RefundRequest, RefundRequestStatus
from .orders import (
    CHANNEL_OF_SOURCE,
    ZERO,
    Order,
    OrderChannel,
    OrderLine,
    OrderSource,
    OrderStatus,
    PaymentStatus,
)
from .payments import PaymentKind, PaymentState, PaymentTransaction
from .refill_plans import (
    RefillPlan,
    RefillPlanEvent,
    RefillPlanEventType,
    RefillPlanStatus,
    RefillRenewal,
    RenewalState,
)
from .sandbox import SandboxObject, SandboxSimulation

__all__ = [
    "CHANNEL_OF_SOURCE",
    "ZERO",
    "Customer",
    "CustomerEvent",
    "CustomerEventSource",
    "CustomerEventType",
    "Order",
    "OrderEvent",
    "OrderEventType",
    "OrderChannel",
    "OrderLine",
    "OrderSource",
    "OrderStatus",
    "PaymentKind",
    "PaymentState",
    "PaymentStatus",
    "PaymentTransaction",
    "RefillPlan",
    "RefillPlanEvent",
    "RefillPlanEventType",
    "RefillPlanStatus",
    "RefillRenewal",
    "RefundRequest",
    "RefundRequestStatus",
    "RenewalState",
    "SandboxObject",
    "SandboxSimulation",
]
