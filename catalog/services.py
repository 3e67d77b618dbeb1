"""Writes to the catalog that are more than a form save."""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

import tablib
from django import forms
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import F, Q

from merchant.models import Store

from . import images
from .models import CatalogRevision, Product, ProductSynonym
from .signals import catalog_changed

# Saving only these product fields changes nothing the skill package is built from.
STOCK_ONLY_FIELDS = frozenset({"stock", "updated_at"})


def catalog_revision_start(*, store_id: int) -> None:
    """A new store's catalog revision row, at 0."""
    CatalogRevision.objects.get_or_create(store_id=store_id)


def catalog_revision_bump(*, store_id: int, create: bool = True) -> None:
    """Count one change to the store's catalog (in the caller's transaction). Every store
    has its revision row from its creation; ``create`` adds a missing one (a store made
    without signals), never while the store itself may be being deleted."""
    if CatalogRevision.objects.filter(store_id=store_id).update(number=F("number") + 1):
        return
    if create:
        catalog_revision_start(store_id=store_id)
        CatalogRevision.objects.filter(store_id=store_id).update(number=F("number") + 1)


@transaction.atomic
def products_set_active(*, products: Iterable[Product], active: bool) -> int:
    """Activate or deactivate products; returns how many changed."""
    products = list(products)
    changed = (
        Product.objects.filter(pk__in=[p.pk for p in products])
        .exclude(active=active)
        .update(active=active)
    )
    for store_id in {p.store_id for p in products} if changed else ():
        catalog_revision_bump(store_id=store_id)
        transaction.on_commit(partial(catalog_changed.send, sender=Product, store_id=store_id))
    return changed


# The admin's product page shows at most this many synonym rows (catalog/admin.py).
MAX_SYNONYMS_PER_PRODUCT = 1000


@transaction.atomic
def product_synonym_add(
    *, product: Product, value: str, locale: str = "", actor: User | None
) -> ProductSynonym:
    """Add ``value`` as a synonym of ``product`` in ``locale`` ("": every locale), as a
        synonym added on the product's admin page: white space collapsed, refused in words
        (``ValidationError`` on ``value`` or ``locale``) when it is empty, too long, already a
        synonym or the name of a product of the store in that locale, or one too many. Counted
        in the catalog revision (the post_save receiver: the exported skill package is stale
        until exported again), written to the product's admin history for ``actor`` (when a login
    acts), and the
        catalog caches are told after commit."""
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError({"value": "Say which words to add: the synonym is empty."})
    longest = ProductSynonym._meta.get_field("value").max_length
    if longest is not None and len(value) > longest:
        raise ValidationError({"value": f"A synonym has at most {longest} characters."})
    # The product row only: the store row is what every new order of the store references.
    product = (
        Product.objects.select_for_update(of=("self",)).select_related("store").get(pk=product.pk)
    )
    store = product.store
    if locale and locale not in store.locales():
        raise ValidationError({"locale": f"The store's skill does not speak {locale}."})
    # A synonym for every locale ("") clashes with the same words in any one locale.
    same_locale = Q(locale__in=[locale, ""]) if locale else Q()
    taken = (
        ProductSynonym.objects.filter(same_locale, store=store, value__iexact=value)
        .select_related("product")
        .first()
    )
    if taken is not None:
        raise ValidationError(
            {"value": f"“{value}” already exists as a synonym of {taken.product.name}."}
        )
    named = (
        Product.objects.filter(store=store)
        .filter(Q(name__iexact=value) | Q(spoken_name__iexact=value))
        .first()
    )
    if named is not None:
        raise ValidationError({"value": f"“{value}” is already the name of {named.name}."})
    if ProductSynonym.objects.filter(product=product).count() >= MAX_SYNONYMS_PER_PRODUCT:
        raise ValidationError(
            {"value": f"{product.name} has {MAX_SYNONYMS_PER_PRODUCT} synonyms already."}
        )
    try:
        with transaction.atomic():  # a simultaneous twin trips the unique constraint
            synonym = ProductSynonym.objects.create(
                store=store, product=product, locale=locale, value=value
            )
    except IntegrityError as exc:
        raise ValidationError({"value": f"“{value}” was just added by someone else."}) from exc
    if actor is not None:  # an API key has no login to write the history under
        LogEntry.objects.log_actions(
            user_id=actor.pk,
            queryset=[product],
            action_flag=CHANGE,
            change_message=[
                {"added": {"name": str(ProductSynonym._meta.verbose_name), "object": str(synonym)}}
            ],
        )
    transaction.on_commit(lambda: catalog_changed.send(sender=ProductSynonym, store_id=store.pk))
    return synonym


# CSV import (catalog/csv_resource.py) ----------------------------------------------------------

CSV_MAX_BYTES = 2 * 1024 * 1024
CSV_MAX_ROWS = 5000


@dataclass(frozen=True)
class ImportedRow:
    """A row of the file as the import sees it: what changes, or why it cannot."""

    number: int
    sku: str
    name: str
    kind: str  # "new", "changed", "unchanged" or "refused"
    changes: list[tuple[str, str, str]]  # (column, before, after)
    errors: list[str]  # in words, "price: The price must be above zero…"


@dataclass(frozen=True)
class ImportReport:
    rows: list[ImportedRow]
    errors: list[str]  # about the whole file
    saved: bool

    @property
    def refused(self) -> bool:
        return bool(self.errors) or any(row.kind == "refused" for row in self.rows)

    def count(self, kind: str) -> int:
        return sum(1 for row in self.rows if row.kind == kind)

    @property
    def counts(self) -> dict[str, int]:
        return {kind: self.count(kind) for kind in ("new", "changed", "unchanged", "refused")}


def catalog_csv_read(data: bytes) -> tablib.Dataset:
    """A CSV file's rows, or a ``ValidationError`` in words when it cannot be read."""
    if not data.strip():
        raise ValidationError("The file is empty: export the catalog for a file to start from.")
    if len(data) > CSV_MAX_BYTES:
        raise ValidationError(
            f"The file has {len(data):,} bytes; a catalog file has at most {CSV_MAX_BYTES:,}."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"The file is not UTF-8 text (byte {exc.start + 1} is not): save it as "
            "“CSV UTF-8” and upload it again."
        ) from exc
    if "\x00" in text:
        raise ValidationError("The file is not a CSV text file (it holds binary data).")
    try:
        dataset = tablib.Dataset().load(text, format="csv")
    except Exception as exc:  # tablib raises csv.Error, InvalidDimensions, ...
        raise ValidationError(f"The file is not a readable CSV file: {exc}.") from exc
    if not dataset.headers:
        raise ValidationError("The file has no header line naming its columns.")
    if len(dataset) > CSV_MAX_ROWS:
        raise ValidationError(f"The file has {len(dataset):,} rows; at most {CSV_MAX_ROWS:,}.")
    return dataset


def _error_words(exc: ValidationError) -> list[str]:
    if hasattr(exc, "error_dict"):
        return [
            f"{field}: {message}" if field not in ("row", NON_FIELD_ERRORS) else message
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return list(exc.messages)


def products_import_csv(
    *,
    store: Store,
    data: bytes,
    actor: User,
    form_class: "type[forms.ModelForm[Product]] | None" = None,
    dry_run: bool,
) -> ImportReport:
    """Import a catalog CSV file into ``store`` (``catalog/csv_resource.py``): every row
    checked by the admin's product form (``form_class``), every row's changes and errors
    reported. A dry run saves nothing; otherwise the file is saved whole or not at all (a
    single refused row saves nothing). Saved products count in the catalog revision (the
    skill package is stale until exported again) and each gets a history entry for ``actor``."""
    from .csv_resource import ProductResource  # imports the pitch (skill) through its form

    try:
        dataset = catalog_csv_read(data)
    except ValidationError as exc:
        return ImportReport(rows=[], errors=list(exc.messages), saved=False)
    kwargs = {"form_class": form_class} if form_class is not None else {}
    resource = ProductResource(store=store, **kwargs)
    with transaction.atomic():
        result = resource.import_data(
            dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True
        )
        file_errors = []
        for error in result.base_errors:
            problem = error.error
            file_errors += (
                _error_words(problem) if isinstance(problem, ValidationError) else [str(problem)]
            )
        rows = []
        pairs = zip(result.rows, dataset.dict, strict=False)
        for number, (row_result, values) in enumerate(pairs, 1):
            errors: list[str] = []
            if row_result.validation_error is not None:
                errors = _error_words(row_result.validation_error)
            errors += [f"The row could not be read: {e.error}" for e in row_result.errors]
            changes = row_result.diff if isinstance(row_result.diff, list) and not errors else []
            if errors:
                kind = "refused"
            elif row_result.import_type == "new":
                kind = "new"
            else:
                kind = "changed" if changes else "unchanged"
            rows.append(
                ImportedRow(
                    number=number,
                    sku=str(values.get("sku") or ""),
                    name=str(values.get("name") or ""),
                    kind=kind,
                    changes=changes,
                    errors=errors,
                )
            )
        if file_errors:  # the rows of a file that cannot be read say nothing more
            rows = []
        report = ImportReport(rows=rows, errors=file_errors, saved=False)
        if dry_run or report.refused:
            return report
        changed = [row for row in rows if row.kind in ("new", "changed")]
        products = Product.objects.filter(store=store, sku__in=[row.sku for row in changed])
        LogEntry.objects.log_actions(
            user_id=actor.pk,
            queryset=products,
            action_flag=CHANGE,
            change_message="Changed by a CSV import.",
        )
        transaction.on_commit(partial(catalog_changed.send, sender=Product, store_id=store.pk))
    return ImportReport(rows=rows, errors=[], saved=True)


# Product images (catalog/images.py) -----------------------------------------------------------

IMAGE_FIELDS = ("image_shop", "image_card_small", "image_card_large")


def _replace_images(*, product: Product, names: dict[str, str], actor: User, message: str) -> None:
    product = Product.objects.select_for_update().get(pk=product.pk)
    old = [getattr(product, field).name for field in IMAGE_FIELDS if getattr(product, field)]
    values = {field: names.get(field.removeprefix("image_"), "") for field in IMAGE_FIELDS}
    Product.objects.filter(pk=product.pk).update(**values)
    LogEntry.objects.log_actions(
        user_id=actor.pk, queryset=[product], action_flag=CHANGE, change_message=message
    )
    store_id = product.store_id

    def after_commit() -> None:
        for name in old:  # the files of the image this one replaced
            default_storage.delete(name)
        catalog_changed.send(sender=Product, store_id=store_id)

    transaction.on_commit(after_commit)


@transaction.atomic
def product_image_set(*, product: Product, upload: File, actor: User) -> Product:  # type: ignore[type-arg]
    """Check ``upload`` (``ValidationError`` in words when it is no usable image), store the
    shop's and Alexa's card images made from it, and drop the product's previous ones after
    commit. Written to the product's history. The skill package does not change (cards are
    built when the skill speaks), so the catalog revision does not move."""
    picture = images.checked_image(upload)
    names = images.store_images(
        store_id=product.store_id, product_id=product.pk, images=images.resized(picture)
    )
    _replace_images(product=product, names=names, actor=actor, message="Uploaded a new image.")
    product.refresh_from_db(fields=list(IMAGE_FIELDS))
    return product


@transaction.atomic
def product_image_remove(*, product: Product, actor: User) -> Product:
    """Remove the uploaded image (the image URL, if any, is shown again)."""
    _replace_images(product=product, names={}, actor=actor, message="Removed the image.")
    product.refresh_from_db(fields=list(IMAGE_FIELDS))
    return product
