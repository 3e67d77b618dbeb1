"""The owner's page of the store's Alexa account-linking client, in the admin.

Owners (the settings area) see the client id, edit the redirect URIs (one a line; empty on a
new client: the four Alexa hosts with ALEXA_VENDOR_ID) and the PKCE switch, and rotate the
secret. A new or rotated secret is shown on the answer to that post, once, never stored in
plain text or put in a message: DOT keeps its hash. Every change goes through
``linking.services`` (audited). A client is not deleted here: that would unlink every shopper.
"""

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from merchant.admin_scoping import StoreScopedAdmin
from merchant.models import Area

from . import endpoints, services
from .errors import LinkingError, LinkingErrorCode
from .models import StoreAlexaClient


def _staff(request: HttpRequest) -> AbstractBaseUser:
    """The signed-in staff member (the admin lets no one else in)."""
    user = request.user
    assert isinstance(user, AbstractBaseUser)
    return user


class AlexaClientForm(forms.ModelForm):
    redirect_uris_text = forms.CharField(
        label="Redirect URIs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 70}),
        help_text="One a line, as the skill's account-linking settings list them. Empty on a "
        "new client: the four Alexa hosts with the vendor id ALEXA_VENDOR_ID.",
    )

    class Meta:
        model = StoreAlexaClient
        fields = ["store", "pkce_required"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["redirect_uris_text"].initial = "\n".join(self.instance.redirect_uris())

    def clean_redirect_uris_text(self) -> list[str] | None:
        lines = self.cleaned_data["redirect_uris_text"].splitlines()
        if not any(line.strip() for line in lines) and not self.instance.pk:
            if not settings.ALEXA_VENDOR_ID:
                raise forms.ValidationError(LinkingErrorCode.NO_REDIRECT_URIS.wording)
            return None  # a new client: the Alexa hosts with the vendor id
        try:
            return services.clean_redirect_uris(lines)
        except LinkingError as refused:
            raise forms.ValidationError(refused.message) from None


@admin.register(StoreAlexaClient)
class StoreAlexaClientAdmin(StoreScopedAdmin):
    area = Area.SETTINGS
    form = AlexaClientForm
    list_display = ["store", "client_id", "pkce_required", "created_at", "rotated_at"]
    readonly_fields = ["client_id", "created_at", "rotated_at"]
    change_form_template = "linking/admin/change_form.html"

    @admin.display(description="Client id")
    def client_id(self, obj: StoreAlexaClient) -> str:
        return obj.application.client_id

    def get_queryset(self, request: HttpRequest) -> QuerySet[StoreAlexaClient]:
        return super().get_queryset(request).select_related("store", "application")

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ["store", "redirect_uris_text", "pkce_required"]
        return ["client_id", "redirect_uris_text", "pkce_required", "created_at", "rotated_at"]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "store":  # a store has one client: offer the stores without
            field.queryset = field.queryset.filter(alexa_client__isnull=True)
        return field

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: StoreAlexaClient, form: Any, change: bool
    ) -> None:
        uris = form.cleaned_data["redirect_uris_text"]
        pkce_required = form.cleaned_data["pkce_required"]
        if change:
            services.alexa_client_update(
                client=obj, redirect_uris=uris, pkce_required=pkce_required, actor=_staff(request)
            )
            return
        client, secret = services.alexa_client_rotate(
            store=obj.store, redirect_uris=uris, actor=_staff(request)
        )
        if pkce_required:
            client = services.alexa_client_update(
                client=client,
                redirect_uris=client.redirect_uris(),
                pkce_required=True,
                actor=_staff(request),
            )
        obj.pk = client.pk
        request._linking_secret = (client, secret)  # type: ignore[attr-defined]  # shown once

    def response_add(
        self, request: HttpRequest, obj: Any, post_url_continue: Any = None
    ) -> HttpResponse:
        client, secret = request._linking_secret  # type: ignore[attr-defined]
        return self._secret_page(request, client, secret)

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        rotate = wrap(never_cache(require_POST(self.rotate_view)))
        return [
            path("<int:pk>/rotate/", rotate, name="linking_storealexaclient_rotate"),
            *super().get_urls(),
        ]

    def rotate_view(self, request: HttpRequest, pk: int) -> HttpResponseBase:
        client = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, client):
            raise PermissionDenied
        client, secret = services.alexa_client_rotate(
            store=client.store, redirect_uris=None, actor=_staff(request)
        )
        return self._secret_page(request, client, secret)

    def _secret_page(
        self, request: HttpRequest, client: StoreAlexaClient, secret: str
    ) -> HttpResponse:
        context = {
            **self.admin_site.each_context(request),
            "title": f"Alexa account linking of {client.store.name}",
            "opts": self.model._meta,
            "client": client,
            "client_secret": secret,
            "authorization_url": endpoints.authorization_url(),
            "access_token_url": endpoints.access_token_url(),
            "scopes": endpoints.scopes(),
        }
        response = TemplateResponse(request, "linking/admin/secret.html", context)
        add_never_cache_headers(response)  # the secret stays out of every cache
        return response
