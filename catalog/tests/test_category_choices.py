"""The product page's Category choices follow the product's store: a category of another
store is neither offered nor accepted, and the refusal is in words."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from catalog.models import Product
from catalog.tests.factories import CategoryFactory, ProductFactory
from catalog.tests.test_admin_input import change_url, product_form
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_stores(client):
    first = StoreFactory(name="No Nicks", enabled_locales=["en-US"], default_locale="en-US")
    second = StoreFactory(name="Bristle", enabled_locales=["en-US"], default_locale="en-US")
    kits = CategoryFactory(store=first, name="Kits")
    brushes = CategoryFactory(store=second, name="Brushes")
    product = ProductFactory(store=first, category=kits, name="Kit", price=Decimal("9.00"))
    member = MembershipFactory(store=first, role=Role.OWNER)
    MembershipFactory(store=second, user=member.user, role=Role.OWNER)
    client.force_login(member.user)
    return first, second, kits, brushes, product


def category_choices(response):
    field = response.context["adminform"].form.fields["category"]
    return [label for value, label in field.choices if value]


def test_the_product_page_offers_only_its_stores_categories(client, two_stores):
    *_, product = two_stores
    assert category_choices(client.get(change_url(product))) == ["Kits"]


def test_the_add_page_opened_for_a_store_offers_its_categories(client, two_stores):
    _, second, *_ = two_stores
    url = reverse("admin:catalog_product_add")
    assert category_choices(client.get(f"{url}?store={second.pk}")) == ["Brushes"]


def test_the_add_page_without_a_store_names_each_categorys_store(client, two_stores):
    url = reverse("admin:catalog_product_add")
    assert sorted(category_choices(client.get(url))) == ["Bristle: Brushes", "No Nicks: Kits"]


def test_another_stores_category_is_refused_in_words(client, two_stores):
    *_, brushes, product = two_stores
    data = product_form(product, [], category=str(brushes.pk))
    response = client.post(change_url(product), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["category"] == [
        "Choose one of the store's own categories: that one belongs to another store."
    ]
    assert Product.objects.get(pk=product.pk).category.name == "Kits"


def test_the_model_refuses_another_stores_category_in_words(two_stores):
    first, _, _, brushes, product = two_stores
    product.category = brushes
    with pytest.raises(ValidationError) as refused:
        product.full_clean()
    assert refused.value.message_dict["category"] == [
        "The category “Brushes” belongs to another store: choose one of the categories of No Nicks."
    ]
