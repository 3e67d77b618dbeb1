"""The orders REST API (``/api/``) for support tools and integrations.

Same rules as the support console: staff see only their stores' orders (another store's
order is a 404), refunding needs the refund permission, every change goes through
``orders/services/``, and a refused change answers HTTP 409 with the service's stable
``code`` and a sentence for people. A store's API key (``apikeys``) reads with
``orders:read`` and acts with ``orders:write``, on its own store's orders only; its changes
are recorded under the key's name.
"""

from decimal import Decimal

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from apikeys.auth import StaffOrScopedKey, acting
from merchant.models import Area
from merchant.selectors import user_can

from . import services
from .errors import OrderError, error_message
from .filters import OrderFilter
from .models import (
    OrderEvent,
)
from .selectors import order_for_staff, orders_for_staff, staff_store_ids
from .serializers import (
    OrderDetailSerializer,
    OrderSerializer,
    TransactionSerializer,
)


class CancelSerializer(serializers.Serializer):
    restock = serializers.BooleanField(default=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ShipSerializer(serializers.Serializer):
    carrier = serializers.CharField(max_length=60)
    tracking_number = serializers.CharField(max_length=80, required=False, allow_blank=True)


class NoteSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=2000)


class RefundSerializer(serializers.Serializer):
    amount = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, min_value=Decimal("0.01")
    )
    lines = serializers.DictField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        help_text="Order line id -> quantity to refund.",
    )
    reason = serializers.CharField(max_length=255)
    reference_id = serializers.CharField(
        max_length=32,
        help_text="Your idempotency key: repeating a request with it refunds once.",
    )


class NewestFirst(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 50


def _refused(exc: OrderError) -> Response:
    return Response(
        {"code": exc.code, "detail": error_message(exc)}, status=status.HTTP_409_CONFLICT
    )


@extend_schema(tags=["orders"])
@extend_schema_view(
    list=extend_schema(operation_id="listOrders", summary="List orders"),
    retrieve=extend_schema(operation_id="getOrder", summary="Get an order"),
)
class OrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Orders of the stores you work for. Filter with ``q`` (number, email or name),
    ``status``, ``payment_status``, ``created_from``/``created_to``, ``store``, ``is_test``."""

    permission_classes = [StaffOrScopedKey]
    # With an API key: reading needs orders:read, every action orders:write.
    api_scope = "orders"
    pagination_class = NewestFirst

    def get_serializer_class(self):
        return OrderSerializer if self.action == "list" else OrderDetailSerializer

    def get_queryset(self):
        store_ids = staff_store_ids(user=self.request.user)
        orders = orders_for_staff(store_ids=store_ids).select_related("store", "customer")
        if self.action == "list":
            return OrderFilter(self.request.query_params, queryset=orders, store_ids=store_ids).qs
        return orders.prefetch_related(
            "lines",
            "transactions",
            Prefetch("events", queryset=OrderEvent.objects.select_related("actor")),
        )

    def _act(self, request, serializer_class, call):
        order = order_for_staff(user=request.user, pk=self.kwargs["pk"])
        data = {}
        if serializer_class is not None:
            payload = serializer_class(data=request.data)
            payload.is_valid(raise_exception=True)
            data = payload.validated_data
        try:
            call(order, data)
        except OrderError as exc:
            return _refused(exc)
        return Response(OrderDetailSerializer(self.get_object()).data)

    @extend_schema(
        operation_id="cancelOrder",
        summary="Cancel an order",
        request=CancelSerializer,
        responses=OrderDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self._act(
            request,
            CancelSerializer,
            lambda order, d: services.order_cancel(
                order=order, **acting(request), restock=d["restock"], reason=d["reason"]
            ),
        )

    @extend_schema(
        operation_id="shipOrder",
        summary="Ship an order",
        request=ShipSerializer,
        responses=OrderDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def ship(self, request, pk=None):
        return self._act(
            request,
            ShipSerializer,
            lambda order, d: services.order_ship(
                order=order,
                carrier=d["carrier"],
                tracking_number=d.get("tracking_number", ""),
                **acting(request),
            ),
        )

    @extend_schema(
        operation_id="markOrderDelivered",
        summary="Mark an order delivered",
        request=None,
        responses=OrderDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        return self._act(
            request, None, lambda order, d: services.order_deliver(order=order, **acting(request))
        )

    @extend_schema(
        operation_id="captureOrderPayment",
        summary="Capture an order's payment",
        request=None,
        responses=OrderDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def capture(self, request, pk=None):
        return self._act(
            request, None, lambda order, d: services.order_capture(order=order, **acting(request))
        )

    @extend_schema(
        operation_id="addOrderNote",
        summary="Add a note to an order",
        request=NoteSerializer,
        responses=OrderDetailSerializer,
    )
    @action(detail=True, methods=["post"])
    def notes(self, request, pk=None):
        return self._act(
            request,
            NoteSerializer,
            lambda order, d: services.order_add_note(
                order=order, text=d["text"], **acting(request)
            ),
        )

    @extend_schema(
        operation_id="refundOrder",
        summary="Refund an order",
        request=RefundSerializer,
        responses={
            201: TransactionSerializer,
            409: inline_serializer(
                "Refused",
                {"code": serializers.CharField(), "detail": serializers.CharField()},
            ),
        },
    )
    @action(detail=True, methods=["post"])
    def refund(self, request, pk=None):
        order = order_for_staff(user=request.user, pk=pk)
        if not user_can(user=request.user, store=order.store, area=Area.REFUNDS):
            raise PermissionDenied("Refunding needs the refund permission.")
        payload = RefundSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        try:
            refund = services.order_refund(
                order=order,
                amount=data.get("amount"),
                lines=data.get("lines") or None,
                reason=data["reason"],
                reference_id=data["reference_id"],
                **acting(request),
            )
        except OrderError as exc:
            return _refused(exc)
        return Response(TransactionSerializer(refund).data, status=status.HTTP_201_CREATED)
