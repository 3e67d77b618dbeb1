"""Writes of the catalog API: categories and products with their per-locale texts and
synonyms, and stock adjustments. Services: keyword-only, atomic, audited.

A product is checked by the admin's own product form (``pitch_forms.ProductForm``: the
one-breath rule, the text rules, a price above zero, the store's currency, the store's own
categories, a unique SKU), its texts by the models' rules, its synonyms by
``product_synonym_add``: an API write is refused with the words the admin shows. Saving
counts in the store's catalog revision (the post_save receivers), so the exported skill
package is stale until exported again, as after an admin edit; a stock-only change does not.
"""

from collections.abc import Mapping
from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.forms.models import model_to_dict

from merchant.models import Store

from .models import (
    Category,
    CategoryLocalization,
    Product,
    ProductLocalization,
    StockAdjustment,
)
from .pitch_forms import ProductForm
from .services import product_synonym_add
from .signals import product_updated, stock_low

TEXT_FIELDS = ("spoken_name", "spoken_description", "card_description")


def _history(*, actor: User | None, obj, added: bool, fields: list[str]) -> None:
    if actor is None:  # an API key: no login to write the admin's history under
        return
    LogEntry.objects.log_actions(
        user_id=actor.pk,
        queryset=[obj],
        action_flag=ADDITION if added else CHANGE,
        change_message=f"{'Added' if added else 'Changed'} through the API"
        + (f": {', '.join(fields)}." if fields else "."),
    )


def _in_locale(locale: str, exc: ValidationError) -> list[str]:
    """A text's refusals, each saying which locale and field: "de-DE spoken_description: …"."""
    return [
        f"{locale} {field}: {message}"
        for field, messages in exc.message_dict.items()
        for message in messages
    ]


def _check_locales(store: Store, texts: Mapping[str, Any]) -> None:
    spoken = store.locales()
    for locale in texts:
        if locale not in spoken:
            raise ValidationError({"texts": f"The store's skill does not speak {locale}."})


# Categories ----------------------------------------------------------------------------------


@transaction.atomic
def category_write(
    *,
    store: Store,
    category: Category | None = None,
    data: Mapping[str, Any],
    texts: Mapping[str, Any] | None = None,
    actor: User | None = None,
) -> Category:
    """Create (``category`` None) or change a category of ``store``; ``texts`` maps a locale
    to ``{"spoken_name": ...}`` (None removes that locale's text)."""
    added = category is None
    category = category or Category(store=store)
    for field in ("name", "spoken_name", "position"):
        if field in data:
            setattr(category, field, data[field])
    category.full_clean()
    category.save()
    if texts:
        _check_locales(store, texts)
        for locale, text in texts.items():
            if text is None:
                CategoryLocalization.objects.filter(category=category, locale=locale).delete()
                continue
            loc = CategoryLocalization.objects.filter(category=category, locale=locale).first()
            loc = loc or CategoryLocalization(store=store, category=category, locale=locale)
            loc.spoken_name = (text or {}).get("spoken_name", loc.spoken_name)
            try:
                loc.full_clean(exclude=["store", "category"])
            except ValidationError as exc:
                raise ValidationError({"texts": _in_locale(locale, exc)}) from exc
            loc.save()
    _history(actor=actor, obj=category, added=added, fields=sorted(data))
    return category


# Products ------------------------------------------------------------------------------------


def _merged_texts(product: Product | None, texts: Mapping[str, Any] | None) -> dict[str, dict]:
    current = {}
    if product is not None:
        for loc in product.localizations.all():
            current[loc.locale] = {field: getattr(loc, field) for field in TEXT_FIELDS}
    for locale, text in (texts or {}).items():
        if text is None:
            current.pop(locale, None)
        else:
            merged = {field: "" for field in TEXT_FIELDS} | current.get(locale, {})
            merged.update({k: v for k, v in text.items() if k in TEXT_FIELDS})
            current[locale] = merged
    return current


def _form_data(
    store: Store, product: Product | None, data: Mapping[str, Any], texts: dict[str, dict]
) -> dict[str, Any]:
    """What the admin's product page would post for this change."""
    fields = ProductForm.Meta.fields
    posted: dict[str, Any] = (
        model_to_dict(product, fields=fields) if product else {"currency": store.currency}
    )
    posted.update({key: value for key, value in data.items() if key in fields})
    posted["store"] = store.pk
    posted.setdefault("active", True)
    for key in ("stock", "refill_interval_weeks"):
        if posted.get(key) is None:
            posted[key] = ""
    posted["localizations-TOTAL_FORMS"] = str(len(texts))
    for index, (locale, text) in enumerate(texts.items()):
        posted[f"localizations-{index}-locale"] = locale
        for field in TEXT_FIELDS:
            posted[f"localizations-{index}-{field}"] = text.get(field, "")
    return posted


def _form_errors(form) -> dict[str, list[str]]:
    return {
        ("non_field_errors" if field == "__all__" else field): list(errors)
        for field, errors in form.errors.items()
    }


@transaction.atomic
def product_write(
    *,
    store: Store,
    product: Product | None = None,
    data: Mapping[str, Any],
    texts: Mapping[str, Any] | None = None,
    synonyms: list[dict] | None = None,
    actor: User | None = None,
) -> Product:
    """Create (``product`` None) or change a product of ``store`` as its admin page would.

    ``data``: the product's fields (``category`` as an id); ``texts``: locale ->
    ``{spoken_name, spoken_description, card_description}`` (None removes the locale);
    ``synonyms``: the complete new list of ``{"value", "locale"}`` (None leaves them)."""
    if texts:
        _check_locales(store, texts)
    if product is not None:
        product = Product.objects.select_for_update().get(pk=product.pk, store=store)
    all_texts = _merged_texts(product, texts)
    form = ProductForm(_form_data(store, product, data, all_texts), instance=product)
    form.fields["store"].queryset = Store.objects.filter(pk=store.pk)  # type: ignore[attr-defined]
    if not form.is_valid():
        raise ValidationError(_form_errors(form))
    saved = form.save()
    if texts:
        _save_texts(saved, all_texts)
    if synonyms is not None:
        _replace_synonyms(saved, synonyms, actor=actor)
    _history(actor=actor, obj=saved, added=product is None, fields=list(form.changed_data))
    product_updated.send(sender=Product, product=saved)
    return saved


def _save_texts(product: Product, texts: dict[str, dict]) -> None:
    product.localizations.exclude(locale__in=list(texts)).delete()
    for locale, text in texts.items():
        loc = ProductLocalization.objects.filter(product=product, locale=locale).first()
        loc = loc or ProductLocalization(store=product.store, product=product, locale=locale)
        for field in TEXT_FIELDS:
            setattr(loc, field, text.get(field, ""))
        if not loc.spoken_name:
            loc.spoken_name = product.spoken_name or product.name
        try:
            loc.full_clean(exclude=["store", "product"])
        except ValidationError as exc:
            raise ValidationError({"texts": _in_locale(locale, exc)}) from exc
        loc.save()


def _replace_synonyms(product: Product, synonyms: list[dict], *, actor: User | None) -> None:
    wanted = [(" ".join((s.get("value") or "").split()), s.get("locale") or "") for s in synonyms]
    current = {(syn.value.lower(), syn.locale): syn for syn in product.synonyms.all()}
    keep = {(value.lower(), locale) for value, locale in wanted}
    for key, synonym in current.items():
        if key not in keep:
            synonym.delete()
    for value, locale in wanted:
        if (value.lower(), locale) in current:
            continue
        try:
            product_synonym_add(product=product, value=value, locale=locale, actor=actor)
        except ValidationError as exc:
            raise ValidationError({"synonyms": exc.messages}) from exc


# Stock ---------------------------------------------------------------------------------------


class StockError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@transaction.atomic
def product_stock_adjust(
    *,
    store: Store,
    product_id: int,
    delta: int,
    reason: str,
    actor: User | None = None,
    actor_label: str = "",
) -> StockAdjustment:
    """Change the stock of the store's product by ``delta`` (received +, lost −), with the
    row locked so that simultaneous adjustments all count; refused when the product's
    stock is unlimited or would fall below zero."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Say why the stock changes (a delivery, a count)."})
    if delta == 0:
        raise ValidationError({"delta": "An adjustment of 0 changes nothing."})
    product = Product.objects.select_for_update().filter(store=store, pk=product_id).first()
    if product is None:
        raise Product.DoesNotExist("No product of this store has that id.")
    if product.stock is None:
        raise StockError(
            "unlimited_stock",
            f"{product.name} has unlimited stock: give it a stock count first.",
        )
    if product.stock + delta < 0:
        raise StockError(
            "stock_below_zero",
            f"{product.name} has {product.stock} in stock: taking {-delta} would leave less "
            "than none.",
        )
    before = product.stock
    Product.objects.filter(pk=product.pk).update(stock=F("stock") + delta)
    product.refresh_from_db(fields=["stock"])
    assert product.stock is not None
    if product.fell_below_threshold(before):
        stock_low.send(
            sender=Product,
            product=product,
            stock=product.stock,
            threshold=product.low_stock_threshold,
        )
    return StockAdjustment.objects.create(
        store=store,
        product=product,
        delta=delta,
        stock_after=product.stock,
        reason=reason[:200],
        actor=actor,
        actor_label=actor_label,
    )
