"""The catalog as a CSV file: one row per product of one store, with its texts in every
locale of the store, its synonyms, price and stock (django-import-export's ``Resource``).

Columns: ``id`` (empty for a new product), ``sku``, ``name``, ``category`` (by name, one of
the store's), ``active``, ``best_seller``, ``spoken_name``, ``spoken_description``,
``card_description``, ``image_url``, ``price``, ``currency``, ``stock`` (empty: unlimited),
``repeat_purchase``, ``refill_interval_weeks``, ``synonyms`` (for every locale, separated
by ``;``), then per locale of the store ``synonyms:<locale>`` and, for the locales other
than the default, the translation's ``spoken_name:<locale>``, ``spoken_description:<locale>``
and ``card_description:<locale>``. Yes/no columns take yes, no, true, false, 1 or 0.

Each row is checked by the admin's product form (the form class the product page uses,
given by the caller), so the one-breath rule, the catalog's text rules, the store's
currency and its categories apply exactly as on the page; translations and synonyms are
checked as the page's inlines check them. A row names a product of the chosen store by its
``id`` or its ``sku``; an id of another store is refused. A translation or synonym column
left out of the file leaves those rows as they are; a column in the file replaces them (an
empty cell removes them).
"""

from collections.abc import Iterable
from typing import Any

import tablib
from django import forms
from django.core.exceptions import ValidationError
from import_export import resources

from merchant.models import Store

from .models import Category, Product, ProductLocalization, ProductSynonym
from .pitch_forms import ProductForm
from .text_rules import card_text_error

SEPARATOR = ";"
YES = {"yes", "y", "true", "1", "on"}
NO = {"no", "n", "false", "0", "off", ""}
BOOLEAN_COLUMNS = ("active", "best_seller", "repeat_purchase")
PRODUCT_COLUMNS = [
    "id",
    "sku",
    "name",
    "category",
    "active",
    "best_seller",
    "spoken_name",
    "spoken_description",
    "card_description",
    "image_url",
    "price",
    "currency",
    "stock",
    "repeat_purchase",
    "refill_interval_weeks",
]
TEXT_COLUMNS = ("spoken_name", "spoken_description", "card_description")
REQUIRED_COLUMNS = ("sku", "name", "category", "price")


def _cell(row: dict, column: str) -> str:
    value = row.get(column)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value).strip()


def _split(value: str) -> list[str]:
    return [" ".join(part.split()) for part in value.split(SEPARATOR) if part.strip()]


class ChangesInWords:
    """A row's columns before and after the import (the dry run lists those that change);
    django-import-export's ``Diff``, kept as values rather than HTML."""

    def __init__(self, resource: "ProductResource", instance, new: bool):
        self.resource = resource
        self.new = new
        self.left = resource.row_values(instance) if not new else {}
        self.right: dict[str, str] = {}

    def compare_with(self, resource, instance) -> None:
        self.right = resource.row_values(instance) if instance is not None else {}

    def as_html(self) -> list[tuple[str, str, str]]:
        """(column, before, after) for each column that changes."""
        columns = self.resource.columns()
        return [
            (column, self.left.get(column, ""), self.right.get(column, ""))
            for column in columns
            if column != "id" and self.left.get(column, "") != self.right.get(column, "")
        ]


class ProductResource(resources.ModelResource):
    """Products of ``store``, checked by ``form_class`` (the admin's product form)."""

    class Meta:
        model = Product
        fields: list[str] = []  # every column is read and written below, through the form
        use_transactions = True
        skip_unchanged = False
        report_skipped = True

    def __init__(self, *, store: Store, form_class: type[forms.ModelForm] = ProductForm):
        super().__init__()
        self.store = store
        self.form_class = form_class
        self._synonyms_seen: dict[tuple[str, str], str] = {}
        self._pending_translations: dict[str, dict[str, str]] | None = None

    # Columns --------------------------------------------------------------------------

    def other_locales(self) -> list[str]:
        return [loc for loc in self.store.locales() if loc != self.store.default_locale]

    def columns(self) -> list[str]:
        columns = [*PRODUCT_COLUMNS, "synonyms"]
        columns += [f"synonyms:{locale}" for locale in self.store.locales()]
        for locale in self.other_locales():
            columns += [f"{name}:{locale}" for name in TEXT_COLUMNS]
        return columns

    def get_export_headers(self, selected_fields=None) -> list[str]:
        return self.columns()

    def get_diff_class(self):
        return ChangesInWords

    def row_values(self, product: Product) -> dict[str, str]:
        """The product as a CSV row (read fresh: translations and synonyms included)."""
        values = {
            "id": str(product.pk or ""),
            "sku": product.sku,
            "name": product.name,
            "category": product.category.name if product.category_id else "",
            "active": "yes" if product.active else "no",
            "best_seller": "yes" if product.best_seller else "no",
            "spoken_name": product.spoken_name,
            "spoken_description": product.spoken_description,
            "card_description": product.card_description,
            "image_url": product.image_url,
            "price": f"{product.price:.2f}" if product.price is not None else "",
            "currency": product.currency,
            "stock": "" if product.stock is None else str(product.stock),
            "repeat_purchase": "yes" if product.repeat_purchase else "no",
            "refill_interval_weeks": str(product.refill_interval_weeks or ""),
        }
        synonyms: dict[str, list[str]] = {}
        translations: dict[str, ProductLocalization] = {}
        if product.pk:
            for synonym in ProductSynonym.objects.filter(product=product).order_by("id"):
                synonyms.setdefault(synonym.locale, []).append(synonym.value)
            translations = {
                loc.locale: loc for loc in ProductLocalization.objects.filter(product=product)
            }
        values["synonyms"] = f"{SEPARATOR} ".join(synonyms.get("", []))
        for locale in self.store.locales():
            values[f"synonyms:{locale}"] = f"{SEPARATOR} ".join(synonyms.get(locale, []))
        for locale in self.other_locales():
            translation = translations.get(locale)
            for name in TEXT_COLUMNS:
                values[f"{name}:{locale}"] = getattr(translation, name) if translation else ""
        return values

    # Export ---------------------------------------------------------------------------

    def get_queryset(self):
        return Product.objects.filter(store=self.store).select_related("category", "store")

    def export(self, queryset=None, **kwargs):
        queryset = self.get_queryset() if queryset is None else queryset
        dataset = tablib.Dataset(headers=self.columns())
        for product in queryset.filter(store=self.store).order_by("category__position", "name"):
            values = self.row_values(product)
            dataset.append([values[column] for column in self.columns()])
        return dataset

    # Import ---------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        headers = [str(h or "").strip() for h in dataset.headers or []]
        dataset.headers = headers
        missing = [column for column in REQUIRED_COLUMNS if column not in headers]
        if missing:
            raise ValidationError(
                f"The file has no {', '.join(f'“{c}”' for c in missing)} column: its first "
                f"line names the columns, as an export writes them."
            )
        unknown = [h for h in headers if h and h not in self.columns()]
        if unknown:
            raise ValidationError(
                f"Unknown column(s) {', '.join(f'“{c}”' for c in unknown)}: the columns of "
                f"{self.store.name} are {', '.join(self.columns())}."
            )

    def _check_import_id_fields(self, headers):
        pass  # rows find their product by id or sku (get_instance)

    def get_instance(self, instance_loader, row):
        store_products = Product.objects.filter(store=self.store).select_related(
            "store", "category"
        )
        product_id = _cell(row, "id")
        if product_id:
            found = store_products.filter(pk=product_id).first() if product_id.isdigit() else None
            if found is None:
                raise ValidationError(
                    {
                        "id": f"{self.store.name} has no product with id {product_id}: a file "
                        f"changes only the chosen store's products. Leave id empty to add a "
                        f"new product."
                    }
                )
            return found
        sku = _cell(row, "sku")
        return store_products.filter(sku=sku).first() if sku else None

    def init_instance(self, row=None):
        return Product(store=self.store, currency=self.store.currency)

    def _boolean(self, row: dict, column: str, errors: dict) -> bool:
        value = _cell(row, column).lower()
        if value in YES:
            return True
        if value not in NO:
            errors[column] = f"“{_cell(row, column)}” is not yes or no."
        return False

    def import_instance(self, instance, row, **kwargs):
        """The row through the admin's product form; the form's errors are the row's."""
        errors: dict[str, Any] = {}
        data: dict[str, Any] = {
            name: _cell(row, name) if name in row else _cell(vars(instance), name)
            for name in PRODUCT_COLUMNS
            if name not in ("id", "category", *BOOLEAN_COLUMNS)
        }
        data["store"] = str(self.store.pk)
        data["currency"] = data["currency"] or self.store.currency
        for column in BOOLEAN_COLUMNS:
            if column not in row:
                if getattr(instance, column):
                    data[column] = "on"
            elif self._boolean(row, column, errors):
                data[column] = "on"
        category_name = _cell(row, "category")
        category = Category.objects.filter(store=self.store, name__iexact=category_name).first()
        if category is None:
            errors["category"] = (
                f"{self.store.name} has no category “{category_name}”: use one of "
                f"{', '.join(c.name for c in Category.objects.filter(store=self.store))}."
                if category_name
                else "Say which category the product is in."
            )
        else:
            data["category"] = str(category.pk)
        translations = self._translations(row, instance)
        if translations is not None:
            data["localizations-TOTAL_FORMS"] = str(len(translations))
            for index, (locale, texts) in enumerate(translations.items()):
                data[f"localizations-{index}-locale"] = locale
                for name, value in texts.items():
                    data[f"localizations-{index}-{name}"] = value
        form = self.form_class(data=data, instance=instance)
        if not form.is_valid():
            for field, messages in form.errors.items():
                errors.setdefault(field if field != "__all__" else "row", list(messages))
        errors.update(self._translation_errors(translations, data.get("name", "")))
        errors.update(self._synonym_errors(row, instance))
        if errors:
            raise ValidationError(errors)
        self._pending_translations = translations

    def _translations(self, row, instance) -> dict[str, dict[str, str]] | None:
        """The row's translations per locale, or None when the file has no such column."""
        present = [c for c in row if any(c.startswith(f"{n}:") for n in TEXT_COLUMNS)]
        if not present:
            return None
        saved = (
            {loc.locale: loc for loc in ProductLocalization.objects.filter(product=instance)}
            if instance.pk
            else {}
        )
        found = {}
        for locale in self.other_locales():
            texts = {}
            for name in TEXT_COLUMNS:
                column = f"{name}:{locale}"
                if column in row:
                    texts[name] = _cell(row, column)
                else:
                    texts[name] = getattr(saved[locale], name) if locale in saved else ""
            if any(texts.values()):
                found[locale] = texts
        return found

    def _translation_errors(self, translations, product_name: str) -> dict[str, list[str]]:
        errors: dict[str, list[str]] = {}
        for locale, texts in (translations or {}).items():
            if not texts["spoken_name"]:
                errors[f"spoken_name:{locale}"] = [
                    f"The {locale} translation needs its spoken name."
                ]
            try:
                ProductLocalization(store=self.store, locale=locale, **texts).clean()
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    errors[f"{field}:{locale}"] = messages
            # The card's title is the product's name (ProductLocalization.clean without one).
            card = card_text_error(title=product_name, text=texts["card_description"])
            if card:
                errors[f"card_description:{locale}"] = [card]
        return errors

    def _row_synonyms(self, row) -> dict[str, list[str]] | None:
        columns = {"synonyms": ""} | {f"synonyms:{loc}": loc for loc in self.store.locales()}
        if not any(column in row for column in columns):
            return None
        return {
            locale: _split(_cell(row, column))
            for column, locale in columns.items()
            if column in row
        }

    def _synonym_errors(self, row, instance) -> dict[str, list[str]]:
        """The synonym inline's rules: not twice, not another product's synonym, in the
        file or in the store."""
        errors: dict[str, list[str]] = {}
        synonyms = self._row_synonyms(row) or {}
        sku = _cell(row, "sku")
        for locale, values in synonyms.items():
            column = f"synonyms:{locale}" if locale else "synonyms"
            messages = []
            longest = ProductSynonym._meta.get_field("value").max_length or 0
            seen: set[str] = set()
            for value in values:
                key = value.lower()
                if len(value) > longest:
                    messages.append(f"“{value}” is longer than {longest} characters.")
                if key in seen:
                    messages.append(f"“{value}” is listed twice.")
                seen.add(key)
                taken = (
                    ProductSynonym.objects.filter(
                        store=self.store, locale=locale, value__iexact=value
                    )
                    .exclude(product_id=instance.pk)
                    .select_related("product")
                    .first()
                )
                if taken is not None:
                    messages.append(
                        f"“{value}” already exists as a synonym of {taken.product.name}."
                    )
                elif self._synonyms_seen.get((locale, key), sku) != sku:
                    messages.append(
                        f"“{value}” is also a synonym of {self._synonyms_seen[(locale, key)]} "
                        "in this file."
                    )
                self._synonyms_seen.setdefault((locale, key), sku)
            if messages:
                errors[column] = messages
        return errors

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:  # the form checked the rest (import_instance)
            raise ValidationError(import_validation_errors)

    def after_save_instance(self, instance, row, **kwargs):
        """The row's translations and synonyms, replacing those its columns name."""
        translations = getattr(self, "_pending_translations", None)
        if translations is not None:
            ProductLocalization.objects.filter(product=instance).exclude(
                locale__in=list(translations)
            ).delete()
            for locale, texts in translations.items():
                ProductLocalization.objects.update_or_create(
                    product=instance, locale=locale, defaults={"store": self.store, **texts}
                )
        synonyms = self._row_synonyms(row)
        for locale, values in (synonyms or {}).items():
            self._replace_synonyms(instance, locale, values)
        self._pending_translations = None
        instance.__dict__.pop("_prefetched_objects_cache", None)

    def _replace_synonyms(self, product: Product, locale: str, values: Iterable[str]) -> None:
        wanted = {value.lower(): value for value in values}
        for synonym in ProductSynonym.objects.filter(product=product, locale=locale):
            if wanted.get(synonym.value.lower()) == synonym.value:
                del wanted[synonym.value.lower()]
            else:
                synonym.delete()
        for value in wanted.values():
            ProductSynonym.objects.create(
                store=self.store, product=product, locale=locale, value=value
            )
