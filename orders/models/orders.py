"""Orders and their lines, with the order's two statuses.

Order status (the goods) and payment status (the money) are separate. Payment status is
derived from the ledger (``payments.py``) by the services in ``orders/services/``, which are
the only code that writes these tables.
"""

from decimal import Decimal

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Upper

from catalog.models import Product
from merchant.models import CURRENCIES, LOCALES, PaymentMode, Store

from .customers import Customer

ZERO = Decimal("0.00")


class OrderStatus(models.TextChoices):
    DRAFT = "draft", "In progress (cart)"
    PLACED = "placed", "Placed"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"
    ABANDONED = "abandoned", "Abandoned"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    AUTHORIZED = "authorized", "Authorized"
    CAPTURED = "captured", "Captured"
    CHARGED_BACK = "charged_back", "Charged back (dispute)"
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    REFUNDED = "refunded", "Refunded"
    DECLINED = "declined", "Declined"
    VOIDED = "voided", "Voided"


class OrderSource(models.TextChoices):
    VOICE = "voice", "Alexa"
    CONSOLE = "console", "Voice test console"
    REFILL = "refill", "Refill plan"
    BACK_OFFICE = "back_office", "Back office"
    WEB = "web", "Web shop"
    AGENT = "agent", "Shopping agent"
    API = "api", "REST API"


class OrderChannel(models.TextChoices):
    """Where the shopper (or staff) placed the order: what the back office filters and the
    dashboard splits by. ``source`` says more finely how (the voice test console, a refill
    plan's renewal); ``channel`` is one of five."""

    VOICE = "voice", "Voice"
    WEB = "web", "Web"
    AGENT = "agent", "Agent"
    SUPPORT = "support", "Support"
    API = "api", "API"


# The channel of each source: the test console and refill renewals are voice orders.
CHANNEL_OF_SOURCE = {
    "voice": OrderChannel.VOICE,
    "console": OrderChannel.VOICE,
    "refill": OrderChannel.VOICE,
    "back_office": OrderChannel.SUPPORT,
    "web": OrderChannel.WEB,
    "agent": OrderChannel.AGENT,
    "api": OrderChannel.API,
}


class Order(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="orders")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    number = models.CharField(max_length=32, help_text="Shown to shoppers; sellerOrderId.")
    status = models.CharField(max_length=20, choices=OrderStatus.choices, default=OrderStatus.DRAFT)
    payment_status = models.CharField(
        max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    payment_mode = models.CharField(max_length=20, choices=PaymentMode.choices)
    source = models.CharField(max_length=20, choices=OrderSource.choices, default=OrderSource.VOICE)
    channel = models.CharField(
        max_length=10, choices=OrderChannel.choices, default=OrderChannel.VOICE, db_default="voice"
    )
    # The shopping agent's name (UCP platform) for agent orders, else blank.
    agent_name = models.CharField(max_length=120, blank=True, db_default="")
    is_test = models.BooleanField(default=False, help_text="Placed from the voice test console.")
    locale = models.CharField(max_length=5, choices=LOCALES, default="en-US")

    currency = models.CharField(max_length=3, choices=CURRENCIES)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    # Discount codes (discounts app) that reduced this order, as the store wrote them, and what
    # they took off the subtotal together (orders/pricing.py computes both, once).
    discount = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO, db_default=ZERO)
    discount_codes = models.JSONField(
        default=list, blank=True, db_default=Value([], output_field=models.JSONField())
    )
    tax = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    shipping = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    # A shipping option the shopper chose (a shopping agent's fulfillment option): its id and
    # fee. Blank and null: the store's standard shipping (fee and free-shipping threshold).
    shipping_option = models.CharField(max_length=60, blank=True, db_default="")
    shipping_option_fee = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True
    )
    total = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    # Running totals kept by the payment services under a row lock (the ledger is the truth).
    authorized_amount = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    captured_amount = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    refunded_amount = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    refund_pending_amount = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    # Taken back by the shopper's bank in a card dispute and not (yet) reinstated.
    charged_back_amount = models.DecimalField(
        max_digits=12, decimal_places=2, default=ZERO, db_default=ZERO
    )

    shipping_address = models.JSONField(default=dict, blank=True)
    email = models.EmailField(blank=True)
    carrier = models.CharField(max_length=60, blank=True)
    tracking_number = models.CharField(max_length=80, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    placed_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    expected_arrival = models.DateField(
        null=True, blank=True, help_text="When the carrier expects to deliver, if known."
    )
    out_for_delivery_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Set once when a cancellation put the goods back in stock: restocking happens once.
    restocked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["store", "number"], name="order_number_unique"),
            models.CheckConstraint(
                condition=Q(subtotal__gte=0) & Q(tax__gte=0) & Q(shipping__gte=0) & Q(total__gte=0),
                name="order_amounts_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(discount__gte=0) & Q(discount__lte=F("subtotal")),
                name="order_discount_within_subtotal",
            ),
            models.CheckConstraint(
                condition=Q(captured_amount__gte=0)
                & Q(refunded_amount__gte=0)
                & Q(refund_pending_amount__gte=0)
                & Q(authorized_amount__gte=0),
                name="order_payment_amounts_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(refunded_amount__lte=F("captured_amount") - F("refund_pending_amount")),
                name="order_refunds_within_captured",
            ),
            # A bank takes back at most what was paid; refunds and a chargeback may together
            # exceed it (a shopper who disputes a refunded payment), so they are not summed.
            models.CheckConstraint(
                condition=Q(charged_back_amount__gte=0)
                & Q(charged_back_amount__lte=F("captured_amount")),
                name="order_chargeback_within_captured",
            ),
        ]
        indexes = [
            models.Index(fields=["store", "-created_at"]),
            models.Index(fields=["store", "status", "-created_at"]),
            models.Index(fields=["store", "payment_status", "-created_at"]),
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["store", "is_test", "-created_at"]),
            models.Index(fields=["store", "channel", "-created_at"], name="order_store_channel"),
            models.Index(Upper("email"), name="order_email_upper"),
            # Analytics: orders placed and cancelled over a range of the store's days.
            models.Index(fields=["store", "placed_at"], name="order_store_placed_at"),
            models.Index(
                fields=["store", "cancelled_at"],
                name="order_store_cancelled_at",
                condition=models.Q(cancelled_at__isnull=False),
            ),
        ]

    def __str__(self):
        return self.number

    # Guards: plain predicates; the services re-check them under a row lock.
    def can_place(self) -> bool:
        return self.status == OrderStatus.DRAFT

    def can_cancel(self) -> bool:
        """Only before shipping; afterwards the order can be refunded, not cancelled."""
        return self.status == OrderStatus.PLACED

    def can_ship(self) -> bool:
        return self.status == OrderStatus.PLACED

    def can_deliver(self) -> bool:
        return self.status == OrderStatus.SHIPPED

    def can_mark_out_for_delivery(self) -> bool:
        return self.status == OrderStatus.SHIPPED and self.out_for_delivery_at is None

    def refundable_amount(self) -> Decimal:
        """What may still be refunded: captured - refunded - refunds pending - charged back
        (money a bank took back in a dispute is no longer the store's to refund)."""
        left = (
            self.captured_amount
            - self.refunded_amount
            - self.refund_pending_amount
            - self.charged_back_amount
        )
        return max(left, ZERO)

    def net_amount(self) -> Decimal:
        """What the store keeps of the payment: captured - refunded - charged back."""
        return max(self.captured_amount - self.refunded_amount - self.charged_back_amount, ZERO)

    def can_refund(self) -> bool:
        return self.status not in (OrderStatus.DRAFT, OrderStatus.ABANDONED) and (
            self.refundable_amount() > 0
        )

    def can_capture(self) -> bool:
        """An authorization is open: authorized, nothing captured yet, not voided."""
        return (
            self.status in (OrderStatus.PLACED, OrderStatus.SHIPPED, OrderStatus.DELIVERED)
            and self.payment_mode != PaymentMode.PAY_ON_DELIVERY
            and self.authorized_amount > 0
            and self.captured_amount == 0
            and self.payment_status == PaymentStatus.AUTHORIZED
        )

    def can_void(self) -> bool:
        return self.can_capture()

    def can_mark_collected(self) -> bool:
        return (
            self.payment_mode == PaymentMode.PAY_ON_DELIVERY
            and self.status in (OrderStatus.PLACED, OrderStatus.SHIPPED, OrderStatus.DELIVERED)
            and self.captured_amount == 0
        )

    def has_open_authorization(self) -> bool:
        return self.can_capture()


class OrderLine(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, related_name="order_lines"
    )
    sku = models.CharField(max_length=40)
    name = models.CharField(max_length=120)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField()
    line_total = models.DecimalField(max_digits=12, decimal_places=2)
    refunded_quantity = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="line_quantity_gte_1"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="line_price_gte_0"),
            models.CheckConstraint(
                condition=Q(refunded_quantity__lte=F("quantity")),
                name="line_refunded_quantity_within_quantity",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.name}"
