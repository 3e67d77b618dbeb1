"""Orders in the admin for support staff (read-only; changes go through the services)."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from merchant.admin_scoping import StoreScopedAdmin, StoreScopedInline
from merchant.models import Area

from .models import Customer, Order, OrderEvent, OrderLine
from .templatetags.order_words import address_lines, event_data_words


def _address(address) -> str:
    lines = address_lines(address)
    return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines)) or "—"


def _without_raw_address(fields) -> list:
    """The model's fields with the address JSON replaced by the formatted address."""
    return ["delivery_address" if f == "shipping_address" else f for f in fields]


class ReadOnlyOrderInline(StoreScopedInline, admin.TabularInline):
    """Rows of an order, seen by whoever may see the order (the orders area of its store),
    changed by no one here."""

    area = Area.ORDERS
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class OrderLineInline(ReadOnlyOrderInline):
    model = OrderLine
    fields = readonly_fields = (
        "sku",
        "name",
        "unit_price",
        "quantity",
        "line_total",
        "refunded_quantity",
    )


class OrderEventInline(ReadOnlyOrderInline):
    model = OrderEvent
    fields = readonly_fields = ("created_at", "type", "actor", "actor_label", "details")

    @admin.display(description="Details")
    def details(self, event):
        order = event.order
        names = {}
        if isinstance(event.data, dict) and "lines" in event.data:
            names = dict(order.lines.values_list("pk", "name"))
        pairs = event_data_words(event.data, currency=order.currency, line_names=names)
        return "; ".join(f"{label}: {value}" for label, value in pairs) or "—"


class ReadOnlyScopedAdmin(StoreScopedAdmin):
    area = Area.ORDERS

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Order)
class OrderAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "number",
        "store",
        "customer",
        "status",
        "payment_status",
        "total",
        "currency",
        "is_test",
        "created_at",
    ]
    list_filter = ["status", "payment_status", "is_test", "store"]
    search_fields = ["number", "email", "customer__name", "customer__email"]
    list_select_related = ["store", "customer"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    inlines = [OrderLineInline, OrderEventInline]
    readonly_fields = ["delivery_address"]

    def get_fields(self, request, obj=None):
        return _without_raw_address(super().get_fields(request, obj))

    @admin.display(description="Delivery address")
    def delivery_address(self, order):
        return _address(order.shipping_address)


@admin.register(Customer)
class CustomerAdmin(ReadOnlyScopedAdmin):
    list_display = ["__str__", "store", "email", "billing_agreement_status", "created_at"]
    list_filter = ["store"]
    search_fields = ["name", "email", "alexa_user_id"]
    readonly_fields = ["delivery_address"]

    def get_fields(self, request, obj=None):
        return _without_raw_address(super().get_fields(request, obj))

    @admin.display(description="Delivery address")
    def delivery_address(self, customer):
        return _address(customer.shipping_address)
