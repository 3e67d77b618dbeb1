"""The catalog and store settings in the admin: roles, store scoping, list editing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Product, ProductSynonym
from catalog.tests.factories import CategoryFactory, ProductFactory
from merchant.models import Role, Store
from merchant.tests.factories import MembershipFactory, StoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    store = StoreFactory()
    category = CategoryFactory(store=store)
    product = ProductFactory(store=store, category=category, name="Kit", price=Decimal("9.00"))
    return store, product


def login(client, store, role, can_refund=False):
    member = MembershipFactory(store=store, role=role, can_refund=can_refund)
    client.force_login(member.user)
    return member.user


def change_url(obj):
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def product_form(product, **changes):
    data = {
        "store": product.store_id,
        "category": product.category_id,
        "name": product.name,
        "sku": product.sku,
        "active": "on",
        "spoken_name": product.spoken_name,
        "spoken_description": product.spoken_description,
        "card_description": "",
        "image_url": "",
        "price": str(product.price),
        "currency": product.currency,
        "stock": str(product.stock),
        "refill_interval_weeks": "",
        "synonyms-TOTAL_FORMS": "2",
        "synonyms-INITIAL_FORMS": "0",
        "synonyms-MIN_NUM_FORMS": "0",
        "synonyms-MAX_NUM_FORMS": "1000",
        "synonyms-0-value": "razor",
        "synonyms-0-locale": "",
        "synonyms-1-value": "",
        "synonyms-1-locale": "",
        "localizations-TOTAL_FORMS": "0",
        "localizations-INITIAL_FORMS": "0",
        "localizations-MIN_NUM_FORMS": "0",
        "localizations-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize("role", [Role.OWNER, Role.CATALOG_EDITOR])
def test_owner_and_editor_edit_products_and_synonyms(client, shop, role):
    store, product = shop
    login(client, store, role)
    response = client.post(change_url(product), product_form(product, price="12.50"))
    assert response.status_code == 302, response.content[:2000]
    product.refresh_from_db()
    assert product.price == Decimal("12.50")
    assert list(product.synonyms.values_list("value", "store_id")) == [("razor", store.pk)]


def test_duplicate_synonym_in_the_store_is_a_form_error(client, shop):
    store, product = shop
    other = ProductFactory(store=store, category=product.category)
    ProductSynonym.objects.create(store=store, product=other, value="Razor")
    login(client, store, Role.OWNER)
    response = client.post(change_url(product), product_form(product, price="12.50"))
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    product.refresh_from_db()
    assert product.price == Decimal("9.00")
    assert product.synonyms.count() == 0


def test_support_agent_is_refused_the_catalog_and_nothing_changes(client, shop):
    store, product = shop
    login(client, store, Role.SUPPORT_AGENT, can_refund=True)
    assert client.get(reverse("admin:catalog_product_changelist")).status_code == 403
    response = client.post(change_url(product), product_form(product, price="1.00"))
    assert response.status_code == 403
    product.refresh_from_db()
    assert product.price == Decimal("9.00")
    assert product.synonyms.count() == 0


def test_store_settings_are_for_owners_only(client, shop):
    store, _ = shop
    login(client, store, Role.CATALOG_EDITOR)
    assert client.get(change_url(store)).status_code == 403
    response = client.post(change_url(store), {"name": "Hijacked"})
    assert response.status_code == 403
    store.refresh_from_db()
    assert store.name != "Hijacked"


def test_owner_edits_store_settings_with_validation(client, shop):
    store, _ = shop
    login(client, store, Role.OWNER)
    page = client.get(change_url(store))
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "enabled_locales": ["en-US"],
            "default_locale": "de-DE",
            "invocation_name": "Loud Name",
            "skill_ids-TOTAL_FORMS": "0",
            "skill_ids-INITIAL_FORMS": "0",
            "skill_ids-MIN_NUM_FORMS": "0",
            "skill_ids-MAX_NUM_FORMS": "1000",
        }
    )
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    response = client.post(change_url(store), data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "default_locale" in errors and "invocation_name" in errors
    store.refresh_from_db()
    assert store.invocation_name != "Loud Name"


def test_staff_never_see_another_stores_catalog(client, shop):
    store, product = shop
    theirs = ProductFactory(name="Their secret product")
    login(client, store, Role.OWNER)
    listing = client.get(reverse("admin:catalog_product_changelist"))
    assert "Kit" in listing.content.decode()
    assert "Their secret product" not in listing.content.decode()
    response = client.post(change_url(theirs), product_form(theirs, price="0.50"))
    assert response.status_code in (302, 403, 404)
    theirs.refresh_from_db()
    assert theirs.price == Decimal("10.00")
    assert client.get(change_url(theirs.store)).status_code in (302, 403, 404)
    stores = client.get(reverse("admin:merchant_store_changelist")).context["cl"].result_list
    assert list(stores) == [store]


def test_product_form_only_offers_own_stores_and_categories(client, shop):
    store, product = shop
    CategoryFactory(name="Foreign category")
    login(client, store, Role.OWNER)
    form = client.get(change_url(product)).context["adminform"].form
    assert list(form.fields["store"].queryset) == [store]
    assert set(form.fields["category"].queryset) == {product.category}


def test_price_and_stock_are_editable_in_the_list(client, shop):
    store, product = shop
    login(client, store, Role.CATALOG_EDITOR)
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(product.pk),
        "form-0-price": "7.25",
        "form-0-stock": "42",
        "_save": "Save",
    }
    response = client.post(reverse("admin:catalog_product_changelist"), data)
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.price, product.stock) == (Decimal("7.25"), 42)


def test_bulk_deactivate_and_activate(client, shop):
    store, product = shop
    second = ProductFactory(store=store, category=product.category)
    login(client, store, Role.OWNER)
    url = reverse("admin:catalog_product_changelist")
    client.post(url, {"action": "deactivate", "_selected_action": [product.pk, second.pk]})
    assert Product.objects.filter(store=store, active=True).count() == 0
    client.post(url, {"action": "activate", "_selected_action": [product.pk]})
    assert list(Product.objects.filter(store=store, active=True)) == [product]


def test_product_page_shows_the_pitch_and_its_one_breath_verdict(client, demo_store):
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.get(username="owner"))
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    page = client.get(change_url(kit)).content.decode()
    assert "The starter kit: a weighted razor handle" in page
    assert "16 words, about 6.4 s at 150 words a minute: fits in one breath." in page
    assert "Starterset: einen beschwerten Rasierergriff" in page
    listing = client.get(reverse("admin:catalog_product_changelist")).content.decode()
    assert "icon-yes.svg" in listing
    assert Store.objects.count() == 1
