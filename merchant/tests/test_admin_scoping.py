"""Tenant isolation in the admin: a staff member of one store never sees another store's
name, or the names of its categories, products and customers, on any admin page: in the
rows, the "By store" / "By category" filters, form and inline dropdowns or autocomplete."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from catalog.models import Category, Product
from catalog.tests.factories import CategoryFactory, ProductFactory, SynonymFactory
from merchant.admin_scoping import StoreScopedAdmin
from merchant.models import Role, StaffMembership
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders.tests.factories import CustomerFactory, OrderFactory

pytestmark = pytest.mark.django_db

# Every name of store B that must not appear on store A's pages.
B_NAMES = ["Bravo Blades", "Bravo Foams", "Bravo Kit", "Bravo Shopper"]


@pytest.fixture
def two_stores():
    store_a = StoreFactory(name="Alpha Shaves", slug="alpha")
    store_b = StoreFactory(name="Bravo Blades", slug="bravo")
    category_a = CategoryFactory(store=store_a, name="Alpha Razors")
    category_b = CategoryFactory(store=store_b, name="Bravo Foams")
    product_a = ProductFactory(store=store_a, category=category_a, name="Alpha Kit")
    ProductFactory(store=store_b, category=category_b, name="Bravo Kit")
    SynonymFactory(store=store_a, product=product_a, value="alpha set")
    OrderFactory(store=store_a, customer=CustomerFactory(store=store_a, name="Alpha Shopper"))
    OrderFactory(store=store_b, customer=CustomerFactory(store=store_b, name="Bravo Shopper"))
    MembershipFactory(store=store_b, role=Role.OWNER)
    return store_a, store_b


def scoped_admin_pages(store):
    """The changelist, add form and change form (of store A's first row) of every
    store-scoped admin."""
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, StoreScopedAdmin):
            continue
        opts = model._meta
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        yield reverse(f"admin:{opts.app_label}_{opts.model_name}_add")
        row = (
            model.objects.filter(pk=store.pk).first()
            if opts.label == "merchant.Store"
            else model.objects.filter(store=store).first()
        )
        if row is not None:
            yield reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk])


def test_an_owner_of_one_store_sees_no_name_of_another_on_any_admin_page(client, two_stores):
    store_a, _ = two_stores
    owner = MembershipFactory(store=store_a, role=Role.OWNER).user
    client.force_login(owner)

    pages = list(scoped_admin_pages(store_a))
    assert len(pages) >= 12
    seen = {}
    for url in [reverse("admin:index"), *pages]:
        response = client.get(url)
        seen[url] = response.status_code
        html = response.content.decode()
        for name in B_NAMES:
            assert name not in html, f"{url} shows {name!r}"
    product_list = reverse("admin:catalog_product_changelist")
    assert seen[product_list] == 200
    assert seen[reverse("admin:catalog_product_add")] == 200
    assert seen[reverse("admin:orders_order_changelist")] == 200
    # Store A's own names are there: the pages were not empty.
    html = client.get(product_list).content.decode()
    assert "Alpha Kit" in html and "Alpha Razors" in html


def test_filters_and_dropdowns_list_only_the_staff_members_stores(client, two_stores):
    store_a, store_b = two_stores
    store_c = StoreFactory(name="Charlie Cuts", slug="charlie")
    CategoryFactory(store=store_c, name="Charlie Combs")
    editor = MembershipFactory(store=store_a, role=Role.CATALOG_EDITOR).user
    StaffMembership.objects.create(user=editor, store=store_c, role=Role.CATALOG_EDITOR)
    client.force_login(editor)

    html = client.get(reverse("admin:catalog_product_changelist")).content.decode()
    # Two stores: the "By store" filter is shown, with both of the editor's stores only.
    assert "By store" in html and "By category" in html
    assert "Alpha Shaves" in html and "Charlie Cuts" in html and "Charlie Combs" in html
    assert "Bravo Blades" not in html and "Bravo Foams" not in html

    form = client.get(reverse("admin:catalog_product_add")).context["adminform"].form
    assert list(form.fields["store"].queryset) == [store_a, store_c]
    assert set(form.fields["category"].queryset) == set(
        Category.objects.filter(store__in=[store_a, store_c])
    )


def test_search_and_autocomplete_answers_stay_in_the_staff_members_stores(client, two_stores):
    store_a, _ = two_stores
    editor = MembershipFactory(store=store_a, role=Role.CATALOG_EDITOR).user
    client.force_login(editor)

    html = client.get(reverse("admin:catalog_product_changelist"), {"q": "Kit"}).content.decode()
    assert "Alpha Kit" in html and "Bravo Kit" not in html
    product_admin = admin.site._registry[Product]
    request = client.get(reverse("admin:catalog_product_changelist")).wsgi_request
    request.user = editor
    found, _ = product_admin.get_search_results(request, Product.objects.all(), "Kit")
    assert [p.name for p in found] == ["Alpha Kit"]


def test_a_superuser_still_sees_every_store(client, two_stores):
    superuser = get_user_model().objects.create_superuser("root", "root@example.com", "pw-123456")
    client.force_login(superuser)

    html = client.get(reverse("admin:catalog_product_changelist")).content.decode()
    for name in ["Alpha Shaves", "Bravo Blades", "Alpha Razors", "Bravo Foams", "Bravo Kit"]:
        assert name in html
    form = client.get(reverse("admin:catalog_product_add")).context["adminform"].form
    assert form.fields["category"].queryset.count() == 2
