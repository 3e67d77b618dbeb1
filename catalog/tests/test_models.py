from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from catalog.models import Product, ProductSynonym
from catalog.tests.factories import CategoryFactory, ProductFactory, SynonymFactory
from merchant.tests.factories import StoreFactory

pytestmark = pytest.mark.django_db


def test_price_cannot_be_negative_in_the_database():
    product = ProductFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(price=Decimal("-0.01"))
    product.refresh_from_db()
    assert product.price == Decimal("10.00")


def test_stock_cannot_be_negative_but_may_be_unlimited():
    product = ProductFactory(stock=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(stock=-1)
    Product.objects.filter(pk=product.pk).update(stock=None)
    product.refresh_from_db()
    assert product.unlimited_stock
    assert product.in_stock(10_000)


def test_sku_is_unique_per_store_only():
    first = ProductFactory(sku="KIT")
    ProductFactory(sku="KIT")  # another store
    with pytest.raises(IntegrityError), transaction.atomic():
        ProductFactory(store=first.store, category=first.category, sku="KIT")


def test_synonyms_are_unique_per_store_and_locale_ignoring_case():
    product = ProductFactory()
    SynonymFactory(product=product, value="Razor")
    SynonymFactory(product=product, value="razor", locale="de-DE")  # other locale: fine
    SynonymFactory(value="razor")  # other store: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        SynonymFactory(product=product, value="RAZOR")
    assert ProductSynonym.objects.filter(store=product.store).count() == 2


def test_sellable_excludes_inactive_and_sold_out_products():
    store = StoreFactory()
    category = CategoryFactory(store=store)
    on_sale = ProductFactory(store=store, category=category, stock=2)
    unlimited = ProductFactory(store=store, category=category, stock=None)
    ProductFactory(store=store, category=category, stock=0)
    ProductFactory(store=store, category=category, active=False)
    assert set(Product.objects.filter(store=store).sellable()) == {on_sale, unlimited}
    assert on_sale.is_sellable(2) and not on_sale.is_sellable(3)


def test_product_currency_and_category_must_match_the_store():
    product = ProductFactory()
    product.currency = "EUR"
    with pytest.raises(ValidationError) as err:
        product.full_clean()
    assert "currency" in err.value.message_dict
    product.currency = "USD"
    product.category = CategoryFactory()  # another store's category
    with pytest.raises(ValidationError) as err:
        product.full_clean()
    assert "category" in err.value.message_dict


def test_localized_text_falls_back_to_the_product(demo_store):
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    assert kit.localized("de-DE").spoken_name == "Starterset"
    assert kit.localized("en-GB").spoken_name == "starter kit"
    assert kit.localized("en-GB").card_description == kit.card_description
