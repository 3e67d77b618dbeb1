"""Discount codes in the admin, for staff of the store's catalog (area CATALOG), scoped to
their stores like every store-owned page."""

from django.contrib import admin

from merchant.admin_scoping import StoreScopedAdmin
from merchant.models import Area

from .models import Discount


@admin.register(Discount)
class DiscountAdmin(StoreScopedAdmin):
    area = Area.CATALOG
    list_display = ["code", "store", "kind", "value", "starts_at", "ends_at", "usage", "active"]
    list_filter = ["store", "kind", "active"]
    search_fields = ["code", "title"]
    readonly_fields = ["times_used", "created_at", "updated_at"]
    fields = [
        "store",
        "code",
        "title",
        "kind",
        "value",
        "starts_at",
        "ends_at",
        "usage_limit",
        "times_used",
        "active",
        "created_at",
        "updated_at",
    ]

    @admin.display(description="used")
    def usage(self, obj: Discount) -> str:
        limit = "no limit" if obj.usage_limit is None else str(obj.usage_limit)
        return f"{obj.times_used} of {limit}"
