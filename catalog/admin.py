"""The voice catalog in the admin, for owners and catalog editors.

The product pages hold the one-breath rule (``skill.speech.pitch``): the list and the page
show the same seconds for a pitch, the page previews it live while the owner types
(``static/portal/pitch_preview.js``) and warns about missing translations, and a product
whose pitch does not fit is activated only with the explicit override, recorded in its
history.
"""

import json
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from alexa.one_breath import ONE_BREATH_SECONDS, SPEAKING_RATE_WPM, limit_in_words
from merchant.admin_scoping import StoreScopedAdmin, StoreScopedInline
from merchant.models import Area

from . import csv_views, services
from .models import (
    Category,
    CategoryLocalization,
    Product,
    ProductLocalization,
    ProductSynonym,
)
from .pitch_forms import (
    OVERRIDE_LABEL,
    OVERRIDE_RECORD,
    ProductForm,
    ProductListForm,
    _language,
    _missing_all,
    _missing_description,
    _too_long_words,
    _verdict,
    missing_translations,
    preview_data,
    product_pitches,
)
from .signals import product_updated

MAX_SYNONYMS_PER_PRODUCT = 1000


class StoreChildFormSet(forms.BaseInlineFormSet):
    """Inline rows get their parent's store before validation, so store-wide uniqueness
    (synonyms) is checked as a form error, not left to the database."""

    def _construct_form(self, i, **kwargs):
        # A private BaseFormSet method that django-stubs does not declare.
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]
        form.instance.store_id = self.instance.store_id
        return form

    def save_new(self, form, commit=True):
        form.instance.store_id = self.instance.store_id
        return super().save_new(form, commit=commit)


class SynonymFormSet(StoreChildFormSet):
    default_error_messages = {
        "too_many_forms": (
            "A product can have at most %(num)d synonyms: remove some before adding more."
        ),
    }

    def clean(self):
        super().clean()
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            if "value" not in form.cleaned_data:  # the value itself was refused (too long)
                continue
            locale = form.cleaned_data.get("locale", "")
            value = " ".join(form.cleaned_data["value"].split())
            key = (locale, value.lower())
            if key in seen:
                form.add_error("value", "This synonym is listed twice.")
            seen.add(key)
            taken = (
                ProductSynonym.objects.filter(
                    store_id=self.instance.store_id, locale=locale, value__iexact=value
                )
                .exclude(pk=form.instance.pk)
                .select_related("product")
                .first()
            )
            if taken is not None:
                form.add_error(
                    "value", f"“{value}” already exists as a synonym of {taken.product.name}."
                )


class SynonymInline(StoreScopedInline, admin.TabularInline):
    model = ProductSynonym
    formset = SynonymFormSet
    area = Area.CATALOG
    fields = ["value", "locale"]
    extra = 1
    # A stated limit that one product page can send (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    # leaves room for it); more rows than this are a form error, never a lost page.
    max_num = MAX_SYNONYMS_PER_PRODUCT

    def get_formset(self, request, obj=None, **kwargs):
        return super().get_formset(request, obj, validate_max=True, **kwargs)


class ProductLocalizationInline(StoreScopedInline, admin.StackedInline):
    model = ProductLocalization
    formset = StoreChildFormSet
    area = Area.CATALOG
    fields = ["locale", "spoken_name", "spoken_description", "card_description"]
    extra = 0


class CategoryLocalizationInline(StoreScopedInline, admin.TabularInline):
    model = CategoryLocalization
    formset = StoreChildFormSet
    area = Area.CATALOG
    extra = 0


@admin.register(Category)
class CategoryAdmin(StoreScopedAdmin):
    area = Area.CATALOG
    list_display = ["name", "spoken_name", "position", "store"]
    list_editable = ["position"]
    list_filter = ["store"]
    search_fields = ["name", "spoken_name"]
    inlines = [CategoryLocalizationInline]


@admin.register(Product)
class ProductAdmin(StoreScopedAdmin):
    area = Area.CATALOG
    list_display = [
        "name",
        "sku",
        "category",
        "price",
        "stock",
        "active",
        "best_seller",
        "speaking_time",
        "one_breath",
    ]
    list_editable = ["price", "stock"]
    list_filter = ["store", "category", "active", "best_seller"]
    search_fields = ["name", "sku", "spoken_name", "synonyms__value"]
    list_select_related = ["store", "category"]
    list_per_page = 50
    actions = ["activate", "deactivate"]
    inlines = [SynonymInline, ProductLocalizationInline]
    form = ProductForm
    readonly_fields = ["pitch_preview", "image_preview"]
    fieldsets = [
        (None, {"fields": ["store", "category", "name", "sku", "active", "best_seller"]}),
        (
            "Voice",
            {
                "fields": [
                    "spoken_name",
                    "spoken_description",
                    "pitch_preview",
                    "override_one_breath",
                ]
            },
        ),
        (
            "Image and Alexa app card",
            {
                "fields": [
                    "card_description",
                    "image_preview",
                    "image_upload",
                    "remove_image",
                    "image_url",
                ]
            },
        ),
        ("Price and stock", {"fields": ["price", "currency", "stock", "low_stock_threshold"]}),
        ("Refills", {"fields": ["repeat_purchase", "refill_interval_weeks"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("localizations", queryset=ProductLocalization.objects.all()))
        )

    class Media:
        css = {"all": ["portal/pitch_preview.css"]}
        js = ["portal/pitch_preview.js"]

    def get_urls(self):
        # The CSV pages (catalog/csv_views.py): export a store's catalog, import with a dry run.
        wrap = self.admin_site.admin_view
        return [
            path(
                "import/",
                wrap(partial(csv_views.import_view, model_admin=self)),
                name="catalog_product_import",
            ),
            path(
                "export/",
                wrap(partial(csv_views.export_view, model_admin=self)),
                name="catalog_product_export",
            ),
            *super().get_urls(),
        ]

    def get_changelist_form(self, request, **kwargs):
        return super().get_changelist_form(request, form=ProductListForm, **kwargs)

    @admin.display(description="Pitch")
    def speaking_time(self, obj):
        """The longest pitch of the product's locales, as its page shows it."""
        pitches = product_pitches(obj)
        locale, pitch = max(pitches.items(), key=lambda item: item[1].seconds)
        if len(pitches) > 1 and locale != obj.store.default_locale:
            return f"{pitch.seconds} s ({locale})"
        return f"{pitch.seconds} s"

    @admin.display(description="One breath", boolean=True)
    def one_breath(self, obj):
        return all(pitch.fits_one_breath for pitch in product_pitches(obj).values())

    @admin.display(description="What Alexa says")
    def pitch_preview(self, obj):
        """The pitch per locale with its words and seconds, and what is missing in a
        language; ``pitch_preview.js`` redoes them while the owner types (the data
        attributes carry what it needs)."""
        if not obj.pk:
            return "Save the product to hear its pitch."
        store = obj.store
        missing = missing_translations(obj)
        rows = []
        for locale, pitch in product_pitches(obj).items():
            live = preview_data(price=obj.price, currency=obj.currency, locale=locale)
            own, theirs = _language(store.default_locale), _language(locale)
            translated = locale[:2] != store.default_locale[:2]
            rows.append(
                format_html(
                    '<p class="pitch {}" data-locale="{}" data-translated="{}" '
                    'data-template="{}" data-template-short="{}" data-question="{}" '
                    'data-money="{}" data-price="{}" data-missing-all="{}" '
                    'data-missing-description="{}"><strong>{}</strong> '
                    '“<span class="pitch-text">{}</span>” <br>'
                    '<small class="pitch-numbers">{} words, about {} s at {} words a minute: '
                    '{}.</small><br><small class="pitch-missing"{}>{}</small></p>',
                    "fits" if pitch.fits_one_breath else "too-long",
                    locale,
                    "1" if translated else "0",
                    live["template"],
                    live["template_short"],
                    live["question"],
                    json.dumps(live["money"]),
                    live["price"],
                    _missing_all(locale, own, theirs) if translated else "",
                    _missing_description(locale, own, theirs) if translated else "",
                    locale,
                    pitch.text,
                    pitch.words,
                    pitch.seconds,
                    SPEAKING_RATE_WPM,
                    _verdict(pitch),
                    "" if locale in missing else mark_safe(" hidden"),
                    missing.get(locale, ""),
                )
            )
        override = self._override_record(obj)
        return format_html(
            '<div id="pitch-preview" data-rate-wpm="{}" data-limit-seconds="{}" '
            'data-default-locale="{}">{}{}</div>',
            SPEAKING_RATE_WPM,
            ONE_BREATH_SECONDS,
            store.default_locale,
            mark_safe("".join(rows)),  # each row was built by format_html
            override,
        )

    def _override_record(self, obj) -> str:
        """The latest override of an active product whose pitch does not fit, if any."""
        if not obj.active or self.one_breath(obj):
            return ""
        entry = (
            LogEntry.objects.filter(
                content_type=ContentType.objects.get_for_model(Product),
                object_id=str(obj.pk),
                change_message__startswith=OVERRIDE_RECORD,
            )
            .select_related("user")
            .order_by("-action_time")
            .first()
        )
        if entry is None:
            return ""
        return format_html(
            '<p class="pitch-override">Active against the one-breath rule: override by {} '
            "on {}.</p>",
            entry.user.get_username(),
            timezone.localtime(entry.action_time).strftime("%Y-%m-%d %H:%M"),
        )

    @admin.display(description="Uploaded image")
    def image_preview(self, obj):
        if not obj.pk or not obj.image_shop:
            return "None uploaded."
        return format_html(
            '<img src="{}" alt="" class="product-image-preview" width="240"> '
            '<a href="{}">Alexa card, large</a> · <a href="{}">small</a>',
            obj.image_shop.url,
            obj.image_card_large.url,
            obj.image_card_small.url,
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # With its synonyms and translations saved: the product.updated webhook.
        product_updated.send(sender=Product, product=form.instance)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if form.cleaned_data.get("image_upload"):
            services.product_image_set(
                product=obj, upload=form.cleaned_data["image_upload"], actor=request.user
            )
        elif form.cleaned_data.get("remove_image") and obj.image_shop:
            services.product_image_remove(product=obj, actor=request.user)
        too_long = getattr(form, "too_long", {})
        if obj.active and too_long and form.cleaned_data.get("override_one_breath"):
            # Written to the history after the admin's own entry (log_addition/log_change).
            obj._one_breath_override = _too_long_words(too_long)
            messages.warning(
                request,
                f"{obj.name} is active although its pitch does not fit one breath "
                f"({obj._one_breath_override}). Your override is recorded in its history.",
            )

    def log_addition(self, request, obj, message):
        entry = super().log_addition(request, obj, message)
        self._log_override(request, obj)
        return entry

    def log_change(self, request, obj, message):
        entry = super().log_change(request, obj, message)
        self._log_override(request, obj)
        return entry

    def _log_override(self, request, obj):
        detail = getattr(obj, "_one_breath_override", None)
        if detail:
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=[obj],
                action_flag=CHANGE,
                change_message=f"{OVERRIDE_RECORD}: {detail}; the limit is {limit_in_words()}.",
            )
            obj._one_breath_override = None

    @admin.action(description="Activate selected products")
    def activate(self, request, queryset):
        """Activates the products whose pitch fits one breath in every locale; the others
        need their page, where the override is."""
        fits, refused = [], []
        for product in queryset.select_related("store").prefetch_related("localizations"):
            if product.active:
                continue
            failing = {
                locale: pitch
                for locale, pitch in product_pitches(product).items()
                if not pitch.fits_one_breath
            }
            if failing:
                refused.append(f"{product.name} ({_too_long_words(failing)})")
            else:
                fits.append(product)
        changed = services.products_set_active(products=fits, active=True)
        self.message_user(request, f"{changed} product(s) activated.", messages.SUCCESS)
        if refused:
            self.message_user(
                request,
                f"Not activated, the pitch does not fit one breath: {'; '.join(refused)}. "
                f"Shorten the spoken description, or open the product and tick “{OVERRIDE_LABEL}”.",
                messages.ERROR,
            )

    @admin.action(description="Deactivate selected products")
    def deactivate(self, request, queryset):
        changed = services.products_set_active(products=list(queryset), active=False)
        self.message_user(request, f"{changed} product(s) deactivated.", messages.SUCCESS)
