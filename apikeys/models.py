"""A store's API keys: what an integration sends as ``Authorization: Bearer <key>``.

djangorestframework-api-key keeps the key hashed (``hashed_key``; the key itself is shown
once, when it is made) and finds it by its ``prefix``, the part before the dot, which is also
the key's public id. Each key belongs to one store and may do what its scopes say, nothing
else; a revoked key stays listed (and audited) but never works again.
"""

from django.conf import settings
from django.db import models
from rest_framework_api_key.models import AbstractAPIKey

from merchant.models import Store


class Scope(models.TextChoices):
    CATALOG_READ = "catalog:read", "Read the catalog and stock"
    CATALOG_WRITE = "catalog:write", "Change the catalog and stock"
    ORDERS_READ = "orders:read", "Read orders"
    ORDERS_WRITE = "orders:write", "Cancel, ship, capture, refund orders and add notes"
    ANALYTICS_READ = "analytics:read", "Read analytics"


class StoreApiKey(AbstractAPIKey):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="api_keys")
    scopes = models.JSONField(default=list, help_text="What the key may do (Scope values).")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta(AbstractAPIKey.Meta):
        ordering = ("-created",)
        verbose_name = "API key"
        verbose_name_plural = "API keys"
        indexes = [models.Index(fields=["store", "-created"], name="api_key_store_created")]

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    def scope_labels(self) -> list[str]:
        labels = dict(Scope.choices)
        return [labels.get(scope, scope) for scope in self.scopes]

    def label(self) -> str:
        """Who acted, in order histories: "API key “Warehouse sync”" (at most 60 chars)."""
        return f"API key “{self.name}”"[:60]


class ApiKeyAction(models.TextChoices):
    CREATED = "created", "Created"
    REVOKED = "revoked", "Revoked"


class ApiKeyEvent(models.Model):
    """One change to a store's API keys, written in the transaction of the change."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="api_key_events")
    key = models.ForeignKey(StoreApiKey, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=ApiKeyAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=60, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["store", "-created_at"], name="api_key_event_store_time")]

    def __str__(self):
        return f"{self.get_action_display()}: {self.data.get('name', '')} ({self.store_id})"

    def who(self) -> str:
        if self.actor is not None:
            return self.actor.get_username()
        return self.actor_label or "(a deleted login)"

    def describe(self) -> str:
        name = self.data.get("name", "?")
        prefix = self.data.get("prefix", "")
        if self.action == ApiKeyAction.REVOKED:
            return f"revoked the key “{name}” ({prefix})"
        scopes = ", ".join(self.data.get("scopes", [])) or "no scope"
        return f"created the key “{name}” ({prefix}) with {scopes}"
