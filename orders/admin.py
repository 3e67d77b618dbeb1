"""Orders in the admin for support staff (read-only; changes go through the services)."""

from django.contrib import admin

from merchant.admin_scoping import StoreScopedAdmin
from merchant.models import Area

from .models import Customer, Order, OrderEvent, OrderLine


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    fields = ["sku", "name", "unit_price", "quantity", "line_total", "refunded_quantity"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    fields = ["created_at", "type", "actor", "actor_label", "data"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


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


@admin.register(Customer)
class CustomerAdmin(ReadOnlyScopedAdmin):
    list_display = ["__str__", "store", "email", "billing_agreement_status", "created_at"]
    list_filter = ["store"]
    search_fields = ["name", "email", "alexa_user_id"]
