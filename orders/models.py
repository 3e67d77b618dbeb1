"""Customers, orders, their lines, the payment ledger and the audit trail.

Order status (the goods) and payment status (the money) are separate. Payment status is
derived from the ledger (``PaymentTransaction``) by the services in ``orders/services/``,
which are the only code that writes these tables.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Upper

from catalog.models import Product
from merchant.models import CURRENCIES, LOCALES, PaymentMode, Store

ZERO = Decimal("0.00")


class Customer(models.Model):
    """A shopper of one store, known by the Alexa user id of that store's skill."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="customers")
    alexa_user_id = models.CharField(max_length=512)
    name = models.CharField(max_length=120, blank=True)
    email = models.EmailField(blank=True)
    locale = models.CharField(max_length=5, choices=LOCALES, default="en-US")
    # Amazon Pay billing agreement (from the Setup result) and consent.
    billing_agreement_id = models.CharField(max_length=60, blank=True)
    billing_agreement_status = models.CharField(max_length=20, blank=True)
    payment_consent = models.CharField(
        max_length=20, blank=True, help_text="payments:autopay_consent as Alexa last reported it."
    )
    shipping_address = models.JSONField(default=dict, blank=True)
    # What the shopper granted the skill, as the last skill event said (scope names), and
    # the regional Alexa API host their requests name (where notifications are sent).
    # (Database defaults too, so rows written by code that predates these columns, such as
    # a process still running the previous release during a deploy, stay valid.)
    alexa_permissions = models.JSONField(
        default=list, db_default=Value([], output_field=models.JSONField()), blank=True
    )
    alexa_api_endpoint = models.CharField(max_length=200, blank=True, db_default="")
    # Order notifications on Alexa: offered once; subscribed per ProactiveSubscriptionChanged.
    order_updates_offered_at = models.DateTimeField(null=True, blank=True)
    order_updates_subscribed = models.BooleanField(default=False, db_default=False)
    # Set when the shopper disabled the skill without keeping their data: personal fields
    # are blank and ``alexa_user_id`` is an opaque "erased:<uuid>" that no request can name.
    erased_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["store", "alexa_user_id"], name="customer_unique_alexa_user_in_store"
            )
        ]
        indexes = [
            models.Index(fields=["store", "email"]),
            # The support console searches customers by name prefix, case-insensitively.
            models.Index(Upper("name"), name="customer_name_upper"),
        ]

    def __str__(self):
        return self.name or self.email or f"Customer {self.pk}"

    @property
    def has_open_billing_agreement(self) -> bool:
        return bool(self.billing_agreement_id) and self.billing_agreement_status == "OPEN"


class CustomerEventType(models.TextChoices):
    CREATED = "created", "First seen"
    PAYMENT_CONSENT_CHANGED = "payment_consent_changed", "Voice purchase consent changed"
    DELIVERY_CONTACT_STORED = "delivery_contact_stored", "Delivery address or email kept"
    BILLING_AGREEMENT_STORED = "billing_agreement_stored", "Amazon Pay billing agreement kept"
    PERMISSIONS_CHANGED = "permissions_changed", "Permissions changed"
    ORDER_UPDATES_OFFERED = "order_updates_offered", "Order notifications offered"
    ORDER_UPDATES_CHANGED = "order_updates_changed", "Order notifications changed"
    ERASED = "erased", "Personal data erased"


class CustomerEventSource(models.TextChoices):
    VOICE = "voice", "The shopper, by voice"
    ALEXA = "alexa", "The shopper, in the Alexa app (a skill event)"
    SUPPORT = "support", "Support console"
    API = "api", "REST API"
    SYSTEM = "system", "System"


class CustomerEvent(models.Model):
    """Append-only audit of every change to a customer, written by the service that makes it
    in the same transaction: what, through which channel, by which staff user (none when
    the shopper or the system acted), when. ``data`` names the changed fields and carries
    no personal data (no address, email or agreement id), so erasure leaves it as it is."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=30, choices=CustomerEventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    source = models.CharField(max_length=10, choices=CustomerEventSource.choices)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["customer", "created_at"])]

    def __str__(self):
        return f"{self.get_type_display()} at {self.created_at:%Y-%m-%d %H:%M}"


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
    PARTIALLY_REFUNDED = "partially_refunded", "Partially refunded"
    REFUNDED = "refunded", "Refunded"
    DECLINED = "declined", "Declined"
    VOIDED = "voided", "Voided"


class OrderSource(models.TextChoices):
    VOICE = "voice", "Alexa"
    CONSOLE = "console", "Voice test console"
    REFILL = "refill", "Refill plan"
    BACK_OFFICE = "back_office", "Back office"


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
    is_test = models.BooleanField(default=False, help_text="Placed from the voice test console.")
    locale = models.CharField(max_length=5, choices=LOCALES, default="en-US")

    currency = models.CharField(max_length=3, choices=CURRENCIES)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    tax = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    shipping = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    total = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    # Running totals kept by the payment services under a row lock (the ledger is the truth).
    authorized_amount = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    captured_amount = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    refunded_amount = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    refund_pending_amount = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)

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
        ]
        indexes = [
            models.Index(fields=["store", "-created_at"]),
            models.Index(fields=["store", "status", "-created_at"]),
            models.Index(fields=["store", "payment_status", "-created_at"]),
            models.Index(fields=["customer", "-created_at"]),
            models.Index(fields=["store", "is_test", "-created_at"]),
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
        """What may still be refunded: captured - refunded - refunds pending."""
        return self.captured_amount - self.refunded_amount - self.refund_pending_amount

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


class PaymentKind(models.TextChoices):
    AUTHORIZATION = "authorization", "Authorization"
    CAPTURE = "capture", "Capture"
    VOID = "void", "Void"
    REFUND = "refund", "Refund"
    COLLECTION = "collection", "Collected on delivery"


class PaymentState(models.TextChoices):
    PENDING = "pending", "Pending"
    SUCCEEDED = "succeeded", "Succeeded"
    DECLINED = "declined", "Declined"
    FAILED = "failed", "Failed"


class PaymentTransaction(models.Model):
    """One line of the payment ledger. ``reference_id`` is ours and is unique: a repeated
    report with the same reference is recognised, never booked twice."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="transactions")
    kind = models.CharField(max_length=20, choices=PaymentKind.choices)
    state = models.CharField(max_length=20, choices=PaymentState.choices)
    reference_id = models.CharField(max_length=32, unique=True)
    external_id = models.CharField(max_length=80, blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, choices=CURRENCIES)
    reason_code = models.CharField(max_length=60, blank=True)
    reason = models.CharField(max_length=255, blank=True)
    gateway = models.CharField(max_length=30, default="amazon_pay_sandbox")
    raw = models.JSONField(default=dict, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="transaction_amount_gte_0")
        ]
        indexes = [
            models.Index(fields=["order", "kind"]),
            models.Index(fields=["kind", "state"]),
            # Analytics: refunds completed over a range (the row's last update is completion).
            models.Index(
                fields=["store", "updated_at"],
                name="payment_refunds_done_at",
                condition=models.Q(kind="refund", state="succeeded"),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount} {self.currency} ({self.state})"


class OrderEventType(models.TextChoices):
    CREATED = "created", "Cart started"
    PLACED = "placed", "Order placed"
    PAYMENT_AUTHORIZED = "payment_authorized", "Payment authorized"
    PAYMENT_CAPTURED = "payment_captured", "Payment captured"
    PAYMENT_DECLINED = "payment_declined", "Payment declined"
    PAYMENT_VOIDED = "payment_voided", "Authorization voided"
    PAYMENT_COLLECTED = "payment_collected", "Payment collected on delivery"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"
    RESTOCKED = "restocked", "Restocked"
    REFUND_REQUESTED = "refund_requested", "Refund requested"
    REFUND_PENDING = "refund_pending", "Refund pending"
    REFUND_COMPLETED = "refund_completed", "Refund completed"
    REFUND_DECLINED = "refund_declined", "Refund declined"
    NOTE = "note", "Note"
    PAYMENT_CAPTURE_FAILED = "payment_capture_failed", "Capture failed"
    EMAIL_SENT = "email_sent", "Email sent"
    AUTHORIZATION_EXPIRING = "authorization_expiring", "Authorization close to expiry"
    REFUND_REQUEST_RESOLVED = "refund_request_resolved", "Refund request resolved"
    REFILL_RENEWAL = "refill_renewal", "Placed by a refill plan"
    OUT_FOR_DELIVERY = "out_for_delivery", "Out for delivery"
    ALEXA_NOTIFICATION_SENT = "alexa_notification_sent", "Alexa notification sent"
    ALEXA_NOTIFICATION_FAILED = "alexa_notification_failed", "Alexa notification failed"


class OrderEvent(models.Model):
    """Append-only timeline of everything that happened to an order."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=30, choices=OrderEventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    actor_label = models.CharField(
        max_length=60, blank=True, help_text="Who acted when not a staff user: shopper, system."
    )
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["order", "created_at"])]

    def __str__(self):
        return f"{self.get_type_display()} at {self.created_at:%Y-%m-%d %H:%M}"


class RefundRequestStatus(models.TextChoices):
    OPEN = "open", "Open"
    RESOLVED = "resolved", "Resolved"


class RefundRequest(models.Model):
    """A shopper asked for a refund (by voice); support resolves it from the queue."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="refund_requests")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="refund_requests")
    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="refund_requests"
    )
    channel = models.CharField(max_length=20, default="voice")
    status = models.CharField(
        max_length=20, choices=RefundRequestStatus.choices, default=RefundRequestStatus.OPEN
    )
    resolution = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["store", "status", "-created_at"])]

    def __str__(self):
        return f"Refund request {self.pk} ({self.get_status_display()})"


class RefillPlanStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    PAUSED = "paused", "Paused"
    CANCELLED = "cancelled", "Cancelled"


class RefillPlan(models.Model):
    """A refill subscription charged on the customer's billing agreement every interval."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="refill_plans")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="refill_plans")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="refill_plans")
    quantity = models.PositiveIntegerField(default=1)
    interval_weeks = models.PositiveSmallIntegerField()
    status = models.CharField(
        max_length=20, choices=RefillPlanStatus.choices, default=RefillPlanStatus.ACTIVE
    )
    next_run_at = models.DateTimeField()
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(interval_weeks__gte=1), name="plan_interval_gte_1"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="plan_quantity_gte_1"),
        ]
        indexes = [models.Index(fields=["status", "next_run_at"])]

    def __str__(self):
        return f"{self.quantity} × {self.product} every {self.interval_weeks} weeks"


class RenewalState(models.TextChoices):
    PENDING = "pending", "Pending"
    RETRYING = "retrying", "Failed, will retry"
    SUCCEEDED = "succeeded", "Charged"
    FAILED = "failed", "Failed (reported)"
    SKIPPED = "skipped", "Skipped"


class RefillRenewal(models.Model):
    """One renewal of a plan for one period; unique so a retried task never charges twice."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(RefillPlan, on_delete=models.CASCADE, related_name="renewals")
    period_start = models.DateTimeField()
    order = models.OneToOneField(Order, on_delete=models.SET_NULL, null=True, blank=True)
    state = models.CharField(max_length=20, choices=RenewalState.choices, default="pending")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "period_start"], name="one_renewal_per_period")
        ]

    def __str__(self):
        return f"Renewal of plan {self.plan_id} for {self.period_start:%Y-%m-%d}"


class RefillPlanEventType(models.TextChoices):
    CREATED = "created", "Plan started"
    PAUSED = "paused", "Paused"
    RESUMED = "resumed", "Resumed"
    CANCELLED = "cancelled", "Cancelled"
    RENEWED = "renewed", "Renewed"
    RENEWAL_RETRYING = "renewal_retrying", "Renewal failed, will retry"
    RENEWAL_FAILED = "renewal_failed", "Renewal failed (reported)"


class RefillPlanEvent(models.Model):
    """Append-only history of a refill plan, like ``OrderEvent`` for orders."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(RefillPlan, on_delete=models.CASCADE, related_name="events")
    type = models.CharField(max_length=30, choices=RefillPlanEventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    actor_label = models.CharField(max_length=60, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.get_type_display()} at {self.created_at:%Y-%m-%d %H:%M}"


# The embedded Amazon Pay sandbox's own state ---------------------------------------------
#
# Amazon Pay for Alexa was retired, so the default gateway (``orders/gateways.py``) is a
# sandbox that keeps what Amazon would keep on its side in these tables. They are the
# "other side" of the ledger, never read by the portal's screens.


class SandboxObject(models.Model):
    """An authorization, capture or refund as the Amazon Pay sandbox knows it."""

    kind = models.CharField(max_length=20)  # authorization | capture | refund
    reference_id = models.CharField(max_length=32)  # the seller's (our) reference id
    amazon_id = models.CharField(max_length=60, unique=True)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    billing_agreement_id = models.CharField(max_length=60, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3)
    state = models.CharField(max_length=20)  # Pending | Open | Closed | Declined | Completed
    reason_code = models.CharField(max_length=60, blank=True)
    note = models.CharField(max_length=1024, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    settle_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "reference_id"], name="sandbox_reference_unique"
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.amazon_id} {self.state}"


class SandboxSimulation(models.Model):
    """Make the sandbox decline an operation, like Amazon's ``SandboxSimulation`` notes.

    ``operation`` is authorize, capture or refund; ``match`` is a billing agreement id, a
    reference-id prefix or ``*``. ``remaining`` counts uses (empty: every time).
    """

    operation = models.CharField(max_length=20)
    match = models.CharField(max_length=60, default="*")
    reason_code = models.CharField(max_length=60, default="AmazonRejected")
    remaining = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"decline {self.operation} {self.match} ({self.reason_code})"
