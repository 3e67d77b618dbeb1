"""Webhook endpoints and their deliveries, for store owners (area SETTINGS).

The signing secret is shown once, in a message with a copyable field, when an endpoint is
created or its secret rotated; the form never shows it again. "Send a test event" (the
endpoint's page and the list's action) posts a signed ``webhook.test`` event at once and
says what happened: the status code and time, or the error. Deliveries are read-only, with
their attempt log and a "Replay" action.
"""

from django import forms
from django.contrib import admin, messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import path
from django.utils.html import format_html

from merchant.admin_scoping import StoreScopedAdmin, StoreScopedInline
from merchant.models import Area

from . import services
from .models import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEventType
from .network import url_problem
from .sending import body_of


class WebhookEndpointForm(forms.ModelForm):
    events = forms.MultipleChoiceField(
        choices=WebhookEventType.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event."},
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["store", "url", "description", "events", "enabled"]

    def clean_url(self):
        url = self.cleaned_data["url"]
        problem = url_problem(url)
        if problem:
            raise forms.ValidationError(problem)
        return url


def _show_secret_once(request, endpoint, secret):
    """The secret in a read-only field with a Copy button (static/portal/copy_secret.js),
    in a message: it is on the next page only, never in the form."""
    messages.warning(
        request,
        format_html(
            '<span class="secret-once">Signing secret of {}: '
            '<input type="text" class="webhook-secret" readonly value="{}" '
            'aria-label="Signing secret" size="50"> '
            '<button type="button" class="copy-secret button">Copy</button> '
            "Copy it now: it is not shown again. Verify each delivery with it (Standard "
            "Webhooks).</span>",
            endpoint.url,
            secret,
        ),
    )


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(StoreScopedAdmin):
    area = Area.SETTINGS
    form = WebhookEndpointForm
    list_display = ["url", "store", "enabled", "event_list", "consecutive_failures", "disabled_at"]
    list_filter = ["store", "enabled"]
    readonly_fields = ["consecutive_failures", "disabled_at", "disabled_reason", "created_at"]
    actions = ["rotate_secret", "send_test_event"]
    change_form_template = "admin/webhooks/webhookendpoint/change_form.html"

    class Media:
        js = ["portal/copy_secret.js"]
        css = {"all": ["portal/copy_secret.css"]}

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:endpoint_id>/test/",
                wrap(self.send_test_view),
                name="webhooks_webhookendpoint_test",
            ),
            *super().get_urls(),
        ]

    def send_test_view(self, request, endpoint_id):
        """POST: send a test event to the endpoint and come back to its page with the
        outcome in words."""
        endpoint = self.get_queryset(request).filter(pk=endpoint_id).first()
        if endpoint is None:
            raise Http404("No webhook endpoint of yours has this number.")
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        self._send_test(request, endpoint)
        return redirect("admin:webhooks_webhookendpoint_change", endpoint.pk)

    def _send_test(self, request, endpoint):
        ok, words = services.webhook_endpoint_send_test(endpoint=endpoint, actor=request.user)
        self.message_user(request, words, messages.SUCCESS if ok else messages.ERROR)

    @admin.action(description="Send a test event")
    def send_test_event(self, request, queryset):
        for endpoint in queryset.select_related("store")[:10]:
            self._send_test(request, endpoint)

    @admin.display(description="events")
    def event_list(self, obj):
        return ", ".join(obj.events)

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            services.webhook_endpoint_update(
                endpoint=obj,
                url=data["url"],
                events=data["events"],
                description=data["description"],
                enabled=data["enabled"],
            )
            return
        endpoint = services.webhook_endpoint_create(
            store=data["store"],
            url=data["url"],
            events=data["events"],
            description=data["description"],
        )
        obj.pk = endpoint.pk
        obj.secret = endpoint.secret
        _show_secret_once(request, endpoint, endpoint.secret)

    @admin.action(description="Rotate the signing secret (shown once)")
    def rotate_secret(self, request, queryset):
        for endpoint in queryset:
            _show_secret_once(
                request, endpoint, services.webhook_endpoint_rotate_secret(endpoint=endpoint)
            )


class WebhookAttemptInline(StoreScopedInline, admin.TabularInline):
    model = WebhookAttempt
    area = Area.SETTINGS
    extra = 0
    can_delete = False
    fields = readonly_fields = (
        "created_at",
        "number",
        "outcome",
        "status_code",
        "error",
        "response_excerpt",
        "duration_ms",
        "actor",
    )
    verbose_name = "attempt"
    verbose_name_plural = "attempt log (newest first)"

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(StoreScopedAdmin):
    area = Area.SETTINGS
    list_display = [
        "event_type",
        "message_id",
        "endpoint",
        "state",
        "attempts",
        "last_status_code",
        "next_attempt_at",
        "delivered_at",
        "created_at",
    ]
    list_filter = ["store", "state", "event__type"]
    list_select_related = ["event", "endpoint"]
    search_fields = ["event__message_id", "endpoint__url"]
    fields = readonly_fields = (
        "store",
        "event",
        "endpoint",
        "state",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "delivered_at",
        "created_at",
        "payload",
    )
    inlines = [WebhookAttemptInline]
    actions = ["replay"]

    @admin.display(description="event", ordering="event__type")
    def event_type(self, obj):
        return obj.event.type

    @admin.display(description="webhook-id")
    def message_id(self, obj):
        return obj.event.message_id

    @admin.display(description="payload")
    def payload(self, obj):
        return body_of(obj.event.payload)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description="Replay: send again (same webhook-id)")
    def replay(self, request, queryset):
        replayed = 0
        for delivery in queryset.select_related("endpoint"):
            try:
                services.webhook_delivery_replay(delivery=delivery, actor=request.user)
            except services.WebhookError as exc:
                self.message_user(request, str(exc), messages.ERROR)
            else:
                replayed += 1
        if replayed:
            self.message_user(
                request,
                f"{replayed} deliver{'y' if replayed == 1 else 'ies'} queued to be sent again.",
                messages.SUCCESS,
            )
