"""The send log of order notifications, read-only, scoped to the staff member's stores."""

from django.contrib import admin

from merchant.admin_scoping import StoreScopedAdmin
from merchant.models import Area

from .models import OrderNotification


@admin.register(OrderNotification)
class OrderNotificationAdmin(StoreScopedAdmin):
    area = Area.ORDERS
    list_display = ["order", "status", "state", "attempts", "sent_at", "created_at"]
    list_filter = ["status", "state"]
    readonly_fields = [f.name for f in OrderNotification._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
