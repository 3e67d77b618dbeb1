"""The REST API's representation of orders and what belongs to them.

Used by the orders API (``orders/api.py``) and by the webhooks the orders services emit
(``orders/events.py``), so a webhook's ``data.order`` is exactly what ``GET
/api/orders/<id>/`` answers. Imports models only: the services may import it.
"""

from django.db.models import Prefetch
from rest_framework import serializers

from merchant.models import Store

from .models import (
    Order,
    OrderEvent,
    OrderLine,
    PaymentTransaction,
    RefillPlan,
    RefundRequest,
)


class OrderLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrderLine
        fields = ["id", "sku", "name", "unit_price", "quantity", "line_total", "refunded_quantity"]


class OrderEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None)

    class Meta:
        model = OrderEvent
        fields = ["type", "actor", "actor_label", "data", "created_at"]


class TransactionSerializer(serializers.ModelSerializer):
    class Meta:
        model = PaymentTransaction
        fields = [
            "kind",
            "state",
            "reference_id",
            "external_id",
            "amount",
            "currency",
            "reason_code",
            "created_at",
        ]


class OrderSerializer(serializers.ModelSerializer):
    store: serializers.SlugRelatedField[Store] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    customer = serializers.CharField(source="customer.__str__", read_only=True)
    # What the store keeps (captured - refunded - charged back) and what may still be
    # refunded (also less refunds pending): the same figures as the support console.
    net = serializers.DecimalField(
        source="net_amount", max_digits=12, decimal_places=2, read_only=True
    )
    refundable = serializers.DecimalField(
        source="refundable_amount", max_digits=12, decimal_places=2, read_only=True
    )

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "store",
            "customer",
            "email",
            "status",
            "payment_status",
            "payment_mode",
            "channel",
            "agent_name",
            "is_test",
            "currency",
            "subtotal",
            "tax",
            "shipping",
            "total",
            "captured_amount",
            "refunded_amount",
            "refund_pending_amount",
            "charged_back_amount",
            "net",
            "refundable",
            "carrier",
            "tracking_number",
            "created_at",
            "placed_at",
        ]


class OrderDetailSerializer(OrderSerializer):
    lines = OrderLineSerializer(many=True, read_only=True)
    events = OrderEventSerializer(many=True, read_only=True)
    transactions = TransactionSerializer(many=True, read_only=True)

    class Meta(OrderSerializer.Meta):
        fields = [
            *OrderSerializer.Meta.fields,
            "shipping_address",
            "lines",
            "transactions",
            "events",
        ]


class RefundRequestSerializer(serializers.ModelSerializer):
    customer = serializers.CharField(source="customer.__str__", read_only=True)
    order = serializers.CharField(source="order.number", default=None, read_only=True)

    class Meta:
        model = RefundRequest
        fields = ["id", "customer", "order", "channel", "status", "created_at"]


class RefillPlanSerializer(serializers.ModelSerializer):
    customer = serializers.CharField(source="customer.__str__", read_only=True)
    sku = serializers.CharField(source="product.sku", read_only=True)

    class Meta:
        model = RefillPlan
        fields = [
            "id",
            "customer",
            "sku",
            "quantity",
            "interval_weeks",
            "status",
            "next_run_at",
            "failed_attempts",
            "last_error",
        ]


def order_detail_data(order: Order) -> dict:
    """An order exactly as ``GET /api/orders/<id>/`` shows it, read fresh (webhooks send
    it as ``data.order``)."""
    fresh = (
        Order.objects.select_related("store", "customer")
        .prefetch_related(
            "lines",
            "transactions",
            Prefetch("events", queryset=OrderEvent.objects.select_related("actor")),
        )
        .get(pk=order.pk)
    )
    return OrderDetailSerializer(fresh).data


def transaction_data(txn: PaymentTransaction) -> dict:
    return TransactionSerializer(txn).data


def refund_request_data(request: RefundRequest) -> dict:
    return RefundRequestSerializer(request).data


def refill_plan_data(plan: RefillPlan) -> dict:
    return RefillPlanSerializer(plan).data
