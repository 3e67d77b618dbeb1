"""The catalog revision: every change the skill package depends on counts, stock taken by
orders does not, and a store can still be deleted with its whole catalog."""

import pytest

from catalog import services
from catalog.models import CatalogRevision, Category, Product
from catalog.selectors import catalog_revision
from catalog.tests.factories import CategoryFactory, ProductFactory, SynonymFactory
from merchant.models import Store
from merchant.tests.factories import StoreFactory

pytestmark = pytest.mark.django_db  # PostgreSQL in CI (deferred foreign keys); any locally


def test_a_new_store_starts_at_revision_zero():
    store = StoreFactory()
    assert CatalogRevision.objects.filter(store=store).count() == 1
    assert catalog_revision(store_id=store.pk) == 0


def test_every_catalog_save_and_delete_counts():
    store = StoreFactory()
    other = StoreFactory()
    category = CategoryFactory(store=store)  # 1
    product = ProductFactory(store=store, category=category)  # 2
    synonym = SynonymFactory(product=product, value="blade")  # 3
    product.localizations.create(store=store, locale="de-DE", spoken_name="Klinge")  # 4
    category.localizations.create(store=store, locale="de-DE", spoken_name="Klingen")  # 5
    product.name = "Renamed"
    product.save()  # 6
    synonym.delete()  # 7
    assert catalog_revision(store_id=store.pk) == 7
    assert catalog_revision(store_id=other.pk) == 0


def test_stock_only_saves_do_not_count():
    product = ProductFactory(stock=5)
    before = catalog_revision(store_id=product.store_id)
    product.stock = 4
    product.save(update_fields=["stock", "updated_at"])  # what placing an order does
    assert catalog_revision(store_id=product.store_id) == before
    product.save(update_fields=["stock", "active"])
    assert catalog_revision(store_id=product.store_id) == before + 1


def test_bulk_activation_counts_once_per_change(django_capture_on_commit_callbacks):
    product = ProductFactory(active=True)
    before = catalog_revision(store_id=product.store_id)
    products = Product.objects.filter(pk=product.pk)
    assert services.products_set_active(products=products, active=False) == 1
    assert services.products_set_active(products=products, active=False) == 0  # no change
    assert catalog_revision(store_id=product.store_id) == before + 1


def test_a_store_made_without_signals_gets_its_revision_on_the_first_change():
    (store,) = Store.objects.bulk_create([StoreFactory.build(slug="bulk-made")])
    store = Store.objects.get(slug="bulk-made")
    assert catalog_revision(store_id=store.pk) == 0
    CategoryFactory(store=store)
    assert catalog_revision(store_id=store.pk) == 1


def test_a_store_is_deleted_with_its_categories(transactional_db):
    """Deleting the categories with their store counts on a revision row that is going too;
    nothing is created for a store on its way out (the commit would fail on the foreign
    key). A store with products cannot be deleted: categories protect them."""
    store = StoreFactory()
    category = CategoryFactory(store=store)
    category.localizations.create(store=store, locale="de-DE", spoken_name="Klingen")
    CategoryFactory(store=store)
    store.delete()
    assert not Store.objects.filter(pk=store.pk).exists()
    assert not CatalogRevision.objects.filter(store_id=store.pk).exists()
    assert not Category.objects.filter(store_id=store.pk).exists()
