"""The UCP server in the admin, scoped to the staff member's stores: the shipping rates
shopping agents are offered (area SETTINGS) and the order webhooks sent to platforms
(read-only, area ORDERS)."""

from django.contrib import admin
from django.http import HttpRequest

from merchant.admin_scoping import StoreScopedAdmin
from merchant.models import Area

from .models import OrderWebhook, ShippingRate


@admin.register(ShippingRate)
class ShippingRateAdmin(StoreScopedAdmin):
    area = Area.SETTINGS
    list_display = ["code", "title", "store", "service_level", "country", "fee", "active"]
    list_filter = ["store", "service_level", "active"]
    search_fields = ["code", "title"]


@admin.register(OrderWebhook)
class OrderWebhookAdmin(StoreScopedAdmin):
    area = Area.ORDERS
    list_display = [
        "message_id",
        "event",
        "store",
        "state",
        "attempts",
        "last_status_code",
        "created_at",
    ]
    list_filter = ["store", "state", "event"]
    readonly_fields = [f.name for f in OrderWebhook._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
