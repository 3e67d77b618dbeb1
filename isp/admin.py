"""In-skill purchasing in the admin: content collections and items (with a preview of what
Alexa says per locale), in-skill products with their texts and prices, and the store's ISP
settings. Owners and catalog editors manage content and products (the catalog area); the
ISP sandbox switch is a store setting (owners). The portal's purchase records are read-only
here; support works with them in the support console."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from catalog.admin import StoreChildFormSet
from merchant.admin_scoping import StoreScopedAdmin, StoreScopedInline
from merchant.models import Area

from . import services, texts
from .errors import IspError, IspErrorCode, error_message
from .experiments import experiment_end, experiment_results
from .models import (
    ContentCollection,
    ContentItem,
    ContentItemLocalization,
    InSkillProduct,
    InSkillProductLocalization,
    InSkillProductPrice,
    IspPurchaseResult,
    IspSettings,
    UpsellExperiment,
)


def speech_preview(item: ContentItem) -> str:
    """What Alexa says for ``item`` in every locale the store speaks, with the one-breath
    verdict, and the clip that follows."""
    rows = []
    for locale in item.store.locales():
        text = item.text_for(locale)
        rows.append((locale, text, texts.one_breath_verdict(text)))
    html = format_html_join("", "<p><strong>{}</strong> “{}”<br><small>{}</small></p>", rows)
    if item.audio_url:
        html += format_html(
            "<p><small>Then plays {} ({} s).</small></p>", item.audio_url, item.audio_seconds
        )
    return html


class ContentItemInline(StoreScopedInline, admin.StackedInline):
    model = ContentItem
    formset = StoreChildFormSet
    area = Area.CATALOG
    fields = [
        "title",
        "position",
        "spoken_text",
        "audio_url",
        "audio_seconds",
        "access",
        "product",
        "active",
        "preview",
    ]
    readonly_fields = ["preview"]
    extra = 0

    @admin.display(description="What Alexa says")
    def preview(self, obj):
        return speech_preview(obj) if obj.pk else "Save to hear it."


@admin.register(ContentCollection)
class ContentCollectionAdmin(StoreScopedAdmin):
    area = Area.CATALOG
    list_display = ["name", "spoken_name", "position", "active", "store"]
    list_filter = ["store", "active"]
    search_fields = ["name", "spoken_name"]
    inlines = [ContentItemInline]


class ContentItemLocalizationInline(StoreScopedInline, admin.TabularInline):
    model = ContentItemLocalization
    formset = StoreChildFormSet
    area = Area.CATALOG
    fields = ["locale", "spoken_text"]
    extra = 0


@admin.register(ContentItem)
class ContentItemAdmin(StoreScopedAdmin):
    area = Area.CATALOG
    list_display = ["title", "collection", "access", "product", "active", "store"]
    list_filter = ["store", "access", "active"]
    search_fields = ["title", "spoken_text"]
    readonly_fields = ["preview"]
    inlines = [ContentItemLocalizationInline]

    @admin.display(description="What Alexa says")
    def preview(self, obj):
        return speech_preview(obj) if obj.pk else "Save to hear it."


class ProductLocalizationInline(StoreScopedInline, admin.StackedInline):
    model = InSkillProductLocalization
    formset = StoreChildFormSet
    area = Area.CATALOG
    extra = 0
    fields = [
        "locale",
        "name",
        "summary",
        "description",
        "example_phrases",
        "keywords",
        "purchase_prompt",
        "bought_card_text",
        "upsell_message",
    ]


class ProductPriceInline(StoreScopedInline, admin.TabularInline):
    model = InSkillProductPrice
    formset = StoreChildFormSet
    area = Area.CATALOG
    extra = 0
    fields = ["marketplace", "price", "release_date"]


@admin.register(InSkillProduct)
class InSkillProductAdmin(StoreScopedAdmin):
    area = Area.CATALOG
    list_display = ["reference_name", "type", "purchasable", "store"]
    list_filter = ["store", "type", "purchasable"]
    search_fields = ["reference_name", "amazon_product_id"]
    inlines = [ProductLocalizationInline, ProductPriceInline]
    actions = ["delete_unsold"]
    fieldsets = [
        (None, {"fields": ["store", "type", "reference_name", "amazon_product_id", "purchasable"]}),
        ("Subscription", {"fields": ["subscription_period", "trial_days"]}),
        ("Consumable", {"fields": ["units_per_purchase"]}),
        (
            "Listing",
            {
                "fields": [
                    "small_icon_url",
                    "large_icon_url",
                    "tax_category",
                    "distribution_countries",
                    "testing_instructions",
                    "upsell_cooldown_days",
                ]
            },
        ),
    ]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # replaced by delete_unsold
        return actions

    def delete_view(self, request, object_id, extra_context=None):
        product = self.get_object(request, object_id)
        if product is not None and product.has_buyers():
            refusal = IspError(IspErrorCode.HAS_BUYERS, product=product)
            self.message_user(request, error_message(refusal), messages.ERROR)
            return HttpResponseRedirect(
                reverse("admin:isp_inskillproduct_change", args=[product.pk])
            )
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request, obj):
        services.product_delete(product=obj)

    @admin.action(description="Delete selected products nobody bought")
    def delete_unsold(self, request, queryset):
        deleted = 0
        for product in queryset:
            try:
                services.product_delete(product=product)
            except IspError as exc:
                self.message_user(request, error_message(exc), messages.ERROR)
            else:
                deleted += 1
        if deleted:
            self.message_user(request, f"{deleted} product(s) deleted.", messages.SUCCESS)


@admin.register(IspSettings)
class IspSettingsAdmin(StoreScopedAdmin):
    """The store's ISP switches and its suggestion policy (the cooldown after a "no" is set
    per product)."""

    area = Area.SETTINGS
    list_display = ["store", "sandbox_mode", "upsells_per_session"]
    fields = ["store", "sandbox_mode", "upsells_per_session"]


@admin.register(UpsellExperiment)
class UpsellExperimentAdmin(StoreScopedAdmin):
    """A/B tests of suggestions: started here, ended by choosing the winner (applied to the
    product's suggestion or the store's policy). Arms are fixed once it runs."""

    area = Area.CATALOG
    list_display = ["product", "kind", "locale", "started_at", "ended_at", "winner", "results"]
    list_filter = ["store", "kind"]
    list_select_related = ["product"]
    fields = [
        "store",
        "product",
        "kind",
        "locale",
        "message_a",
        "message_b",
        "per_session_a",
        "per_session_b",
        "results",
        "winner",
        "ended_at",
    ]
    readonly_fields = ["results", "winner", "ended_at"]
    actions = ["end_a_wins", "end_b_wins"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.pk:
            return [f for f in self.fields]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.started_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description="results (suggested, bought, conversion, 95 % interval)")
    def results(self, obj):
        if not obj.pk:
            return "-"
        return " · ".join(
            f"{r.arm.upper()}: {r.suggestions} suggested, {r.purchases} bought, "
            f"{r.conversion:.1%} ({r.low:.1%}-{r.high:.1%})"
            for r in experiment_results(obj)
        )

    def _end(self, request, queryset, winner):
        for experiment in queryset.filter(ended_at__isnull=True):
            experiment_end(experiment=experiment, winner=winner, actor=request.user)
            self.message_user(request, f"{experiment}: arm {winner.upper()} won and now applies.")

    @admin.action(description="End: arm A wins")
    def end_a_wins(self, request, queryset):
        self._end(request, queryset, "a")

    @admin.action(description="End: arm B wins")
    def end_b_wins(self, request, queryset):
        self._end(request, queryset, "b")


@admin.register(IspPurchaseResult)
class IspPurchaseResultAdmin(StoreScopedAdmin):
    area = Area.ORDERS
    list_display = ["created_at", "product", "name", "result", "list_price", "currency", "is_test"]
    list_filter = ["store", "name", "result", "is_test"]
    list_select_related = ["product"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
