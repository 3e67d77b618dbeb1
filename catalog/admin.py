"""The voice catalog in the admin, for owners and catalog editors."""

from django import forms
from django.contrib import admin, messages
from django.db.models import Prefetch
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from merchant.admin_scoping import StoreScopedAdmin, StoreScopedInline
from merchant.models import Area

# The one upward import (catalog < orders < skill): the admin previews the pitch exactly as
# the skill speaks it, and the pitch belongs to the skill's voice. Nothing else in catalog
# imports the skill.
from skill.speech.pitch import product_pitch, speaking_seconds

from . import services
from .models import Category, CategoryLocalization, Product, ProductLocalization, ProductSynonym

MAX_SYNONYMS_PER_PRODUCT = 1000


class StoreChildFormSet(forms.BaseInlineFormSet):
    """Inline rows get their parent's store before validation, so store-wide uniqueness
    (synonyms) is checked as a form error, not left to the database."""

    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
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
    readonly_fields = ["pitch_preview"]
    fieldsets = [
        (None, {"fields": ["store", "category", "name", "sku", "active", "best_seller"]}),
        ("Voice", {"fields": ["spoken_name", "spoken_description", "pitch_preview"]}),
        ("Alexa app card", {"fields": ["card_description", "image_url"]}),
        ("Price and stock", {"fields": ["price", "currency", "stock"]}),
        ("Refills", {"fields": ["repeat_purchase", "refill_interval_weeks"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related(Prefetch("localizations", queryset=ProductLocalization.objects.all()))
        )

    @admin.display(description="Spoken description")
    def speaking_time(self, obj):
        return f"{speaking_seconds(obj.spoken_description)} s"

    @admin.display(description="One breath", boolean=True)
    def one_breath(self, obj):
        return product_pitch(obj).fits_one_breath

    @admin.display(description="What Alexa says")
    def pitch_preview(self, obj):
        if not obj.pk:
            return "Save the product to hear its pitch."
        rows = []
        for locale in obj.store.locales():
            pitch = product_pitch(obj, locale)
            verdict = (
                "fits in one breath"
                if pitch.fits_one_breath
                else "too long for one breath: shorten the spoken description"
            )
            rows.append(
                format_html(
                    '<p class="pitch {}"><strong>{}</strong> “{}” <br><small>{} words, '
                    "about {} s at 150 words a minute: {}.</small></p>",
                    "fits" if pitch.fits_one_breath else "too-long",
                    locale,
                    pitch.text,
                    pitch.words,
                    pitch.seconds,
                    verdict,
                )
            )
        return mark_safe("".join(rows))  # each row was built by format_html

    @admin.action(description="Activate selected products")
    def activate(self, request, queryset):
        changed = services.products_set_active(products=list(queryset), active=True)
        self.message_user(request, f"{changed} product(s) activated.", messages.SUCCESS)

    @admin.action(description="Deactivate selected products")
    def deactivate(self, request, queryset):
        changed = services.products_set_active(products=list(queryset), active=False)
        self.message_user(request, f"{changed} product(s) deactivated.", messages.SUCCESS)
