"""The interaction log in the back office: what shoppers asked and how it went, including
the Amazon Pay errors the merchant must fix (``error_code``); and the Alexa skill events.
Read-only, scoped by store."""

from django.contrib import admin

from merchant.admin_scoping import StoreScopedAdmin
from merchant.models import Area

from .models import Interaction, SkillEvent


@admin.register(Interaction)
class InteractionAdmin(StoreScopedAdmin):
    area = Area.SETTINGS
    list_display = [
        "created_at",
        "store",
        "request_type",
        "intent",
        "outcome",
        "error_code",
        "locale",
        "source",
        "latency_ms",
    ]
    list_filter = ["request_type", "outcome", "source", "locale"]
    search_fields = ["intent", "outcome", "error_code", "session_id"]
    date_hierarchy = "created_at"
    list_select_related = ["store"]

    def has_module_permission(self, request):
        # Out of the admin's navigation: the transcripts page (/transcripts/) reads the same
        # log session by session, in words. The raw list stays at its address for staff.
        return False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SkillEvent)
class SkillEventAdmin(StoreScopedAdmin):
    area = Area.SETTINGS
    list_display = ["created_at", "store", "type", "customer", "event_created_at"]
    list_filter = ["type"]
    date_hierarchy = "created_at"
    list_select_related = ["store", "customer"]
    readonly_fields = [f.name for f in SkillEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
