"""What the skill keeps: where each shopper is in the conversation, and a log of every turn.

``Conversation`` is the shopper's place in the dialogue. Sending an Amazon Pay directive ends
the Alexa session, so the step, the cart and the pending payment token live here, in the
database, rather than only in session attributes.

``Interaction`` is one row per verified request: what was asked and how it went. Analytics and
the portal read it. It never holds access tokens or the raw envelope.
"""

from django.db import models

from catalog.models import Product
from merchant.models import Store
from orders.models import Customer, Order


class Step(models.TextChoices):
    """What the shopper's next "yes" or "no" answers."""

    IDLE = "idle", "Nothing pending"
    OFFER_RESUME = "offer_resume", "Continue the interrupted cart?"
    OFFER_REORDER = "offer_reorder", "Re-order the last order?"
    OFFER_PRODUCT = "offer_product", "Do you want to order it?"
    AWAITING_SETUP = "awaiting_setup", "Setup directive sent"
    CONFIRM_ORDER = "confirm_order", "Complete the order now?"
    AWAITING_CHARGE = "awaiting_charge", "Charge directive sent"
    OFFER_REFILL = "offer_refill", "Start a refill plan?"
    CONFIRM_CANCEL = "confirm_cancel", "Cancel this order?"
    CONFIRM_CANCEL_REFILLS = "confirm_cancel_refills", "Cancel the refill plan?"
    OFFER_ORDER_UPDATES = "offer_order_updates", "Notify when the order ships?"
    # In-skill purchasing and content (the product in question is on ``IspShopperState``).
    OFFER_MORE_CONTENT = "offer_more_content", "Hear another one?"
    OFFER_ISP_INFO = "offer_isp_info", "Hear more about a product?"
    OFFER_ISP_BUY = "offer_isp_buy", "Buy the product just described?"
    CHOOSE_CANCEL = "choose_cancel", "Cancel the subscription (or else the refill plan)?"
    CHOOSE_REFUND = "choose_refund", "Refund the in-skill product (or else an order)?"
    # A linked web account, paying with its saved card (the product in question is
    # ``Conversation.product`` for an order from the wish list).
    CONFIRM_CART_ORDER = "confirm_cart_order", "Order the shared cart with the saved card?"
    CONFIRM_WISH_LIST_ORDER = "confirm_wish_list_order", "Order a wish list item with the card?"
    CART_ORDER_CODE = "cart_order_code", "Voice purchase code for the cart order"
    WISH_LIST_ORDER_CODE = "wish_list_order_code", "Voice purchase code for the wish list order"


class Conversation(models.Model):
    """One per customer: the step the dialogue is at and what it is about."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="skill_conversation"
    )
    step = models.CharField(max_length=30, choices=Step.choices, default=Step.IDLE)
    product = models.ForeignKey(
        Product, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    quantity = models.PositiveSmallIntegerField(default=1)
    order = models.ForeignKey(
        Order,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The cart being bought, or the order a question is about.",
    )
    token = models.CharField(
        max_length=80, blank=True, help_text="Token of the Amazon Pay directive in flight."
    )
    visits = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.customer} at {self.step}"


class Interaction(models.Model):
    """One verified request to the skill and its outcome."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="interactions")
    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="interactions"
    )
    request_type = models.CharField(max_length=60)
    intent = models.CharField(max_length=100, blank=True)
    slots = models.JSONField(
        default=dict, blank=True, help_text="Slot name: resolved id when matched, else the words."
    )
    session_id = models.CharField(max_length=200, blank=True)
    locale = models.CharField(max_length=5, blank=True)
    source = models.CharField(max_length=20, default="voice")
    latency_ms = models.PositiveIntegerField(default=0)
    outcome = models.CharField(max_length=60, blank=True)
    error_code = models.CharField(
        max_length=60, blank=True, help_text="Amazon Pay error or exception the merchant must see."
    )
    # Database defaults too: rows written by hand (bench scripts) may leave them out.
    reply = models.TextField(
        blank=True, db_default="", help_text="What the skill said, in words (no SSML)."
    )
    directives = models.JSONField(
        default=list,
        db_default=models.Value([], output_field=models.JSONField()),
        blank=True,
        help_text='Directives sent: "type" or "type:name".',
    )
    order = models.ForeignKey(
        Order,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The cart or order the conversation was about at the end of the turn.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["store", "session_id"], name="interaction_store_session"),
            models.Index(fields=["store", "intent", "-created_at"]),
            # The store's log by time, newest first too (read backwards); analytics reads
            # sessions, shoppers and intents over a range from the index alone (PostgreSQL;
            # other databases ignore ``include``). Replaces a plain (store, -created_at).
            models.Index(
                fields=["store", "created_at"],
                name="interaction_store_time_cover",
                include=["session_id", "customer", "request_type", "intent", "outcome", "source"],
            ),
        ]

    def __str__(self):
        return f"{self.request_type} {self.intent} → {self.outcome}"


class SkillEvent(models.Model):
    """One Alexa skill event (enabled, disabled, permissions, account linked, proactive
    subscription): recorded once per request id, its body kept without any token."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="skill_events")
    customer = models.ForeignKey(
        Customer, on_delete=models.SET_NULL, null=True, blank=True, related_name="skill_events"
    )
    type = models.CharField(max_length=60)
    request_id = models.CharField(max_length=255)
    body = models.JSONField(default=dict, blank=True)
    event_created_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["store", "request_id"], name="skill_event_once_per_request"
            )
        ]
        indexes = [models.Index(fields=["store", "type", "-created_at"])]

    def __str__(self):
        return f"{self.type} at {self.created_at:%Y-%m-%d %H:%M}"
