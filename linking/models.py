"""One Alexa client per store: the django-oauth-toolkit application its skill links with.

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
