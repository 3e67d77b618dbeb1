"""One Alexa client per store: the django-oauth-toolkit application its skill links with; and
the shopping platforms' clients the owner registers (``StorePlatformClient``).

The application row holds what DOT needs (client id, the hashed secret, redirect URIs); the
store's row here says whose it is and whether the skill sends PKCE. ``AlexaClientEvent``
keeps what happened to the client (created, secret rotated, settings changed, a shopper
unlinked), written in the transaction of the change and never edited.
"""

from django.conf import settings
from django.db import models
from oauth2_provider.settings import oauth2_settings

from merchant.models import Store


class StoreAlexaClient(models.Model):
    store = models.OneToOneField(Store, on_delete=models.CASCADE, related_name="alexa_client")
    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="store_alexa_client",
    )
    pkce_required = models.BooleanField(
        default=False,
        help_text="On only when the skill's account-linking settings switch PKCE on: Alexa "
        "sends a code challenge then, and not otherwise.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "Alexa account-linking client"

    def __str__(self) -> str:
        return f"Alexa client of {self.store}"

    def redirect_uris(self) -> list[str]:
        return self.application.redirect_uris.split()


class AlexaClientAction(models.TextChoices):
    CREATED = "created", "Client created"
    ROTATED = "rotated", "Secret rotated"
    CHANGED = "changed", "Settings changed"
    UNLINKED = "unlinked", "Shopper unlinked"
    LINKED = "linked", "Shopper linked in sandbox mode (demo or voice console)"


class AlexaClientEvent(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="alexa_client_events")
    action = models.CharField(max_length=20, choices=AlexaClientAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Who acted, in words that outlive the login ("command", "shopper", a staff user name).
    actor_label = models.CharField(max_length=150, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["store", "-created_at"], name="alexa_client_event_store_time")
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.store})"


class StorePlatformClient(models.Model):
    """A shopping platform's OAuth client at a store (Alexa+, any UCP agent), registered by the
    owner under a name. Its application takes the authorization code grant with PKCE (a
    shopper links their account to the platform) and, for the platform itself, client
    credentials (``linking.oauth`` allows both). A revoked client gets nothing: its tokens
    and codes are gone and no grant is allowed."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="platform_clients")
    application = models.OneToOneField(
        oauth2_settings.APPLICATION_MODEL,
        on_delete=models.CASCADE,
        related_name="store_platform_client",
    )
    name = models.CharField(max_length=100, help_text="The platform, as the owner names it.")
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "platform OAuth client"
        ordering = ["store", "name"]
        constraints = [
            models.UniqueConstraint(fields=["store", "name"], name="platform_client_store_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} at {self.store}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None

    def redirect_uris(self) -> list[str]:
        return self.application.redirect_uris.split()


class PlatformClientAction(models.TextChoices):
    CREATED = "created", "Client registered"
    ROTATED = "rotated", "Secret rotated"
    REVOKED = "revoked", "Client revoked"
    UNLINKED = "unlinked", "Shopper unlinked"


class PlatformClientEvent(models.Model):
    store = models.ForeignKey(
        Store, on_delete=models.CASCADE, related_name="platform_client_events"
    )
    client = models.ForeignKey(StorePlatformClient, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=20, choices=PlatformClientAction.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150, blank=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["store", "-created_at"], name="platform_client_event_time")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} ({self.client})"
