"""Writes to the catalog that are more than a form save."""

from collections.abc import Iterable
from functools import partial

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q

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
    product = Product.objects.select_for_update().select_related("store").get(pk=product.pk)
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
