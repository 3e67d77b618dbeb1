"""The catalog pages: home (categories in spoken order, best sellers), a category, a product
(price in the store's currency, stock), search; another store's ids are not found, and the
number of queries a page makes does not grow with the catalog."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.tests.factories import CategoryFactory, ProductFactory
from merchant.tests.factories import StoreFactory
from shoppers import services as shoppers

from .helpers import add_address, make_shopper, product, signed_in, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return StoreFactory(name="No Nicks", brand_color="#0a6e4f")


def test_home_lists_categories_in_spoken_order_and_best_sellers(client, store):
    blades = CategoryFactory(store=store, name="Blades", position=2)
    razors = CategoryFactory(store=store, name="Razors", position=1)
    CategoryFactory(name="Elsewhere")  # another store's
    kit = ProductFactory(store=store, category=razors, name="Starter kit", best_seller=True)
    ProductFactory(store=store, category=blades, name="Sold out pack", best_seller=True, stock=0)
    ProductFactory(store=store, category=blades, name="Plain blades")

    response = client.get(url("home", store))

    assert response.status_code == 200
    assert [c.name for c in response.context["categories"]] == ["Razors", "Blades"]
    assert [p.name for p in response.context["best_sellers"]] == [kit.name]
    page = response.content.decode()
    assert "Elsewhere" not in page
    assert "--brand: #0a6e4f" in page
    assert "<title>Welcome · No Nicks</title>" in page


def test_product_page_shows_price_in_the_store_currency_and_stock(client):
    store = StoreFactory(currency="EUR", default_locale="de-DE")
    item = ProductFactory(store=store, name="Rasierhobel", price=Decimal("24.50"), stock=3)

    response = client.get(url("product", store, item.pk))

    page = response.content.decode()
    assert response.status_code == 200
    assert '<p class="price" id="price">24,50\xa0€</p>' in page
    assert '<p id="stock">Only 3 left</p>' in page
    assert "Add to cart" in page


def test_product_page_shows_the_image_and_the_description(client, store):
    item = ProductFactory(
        store=store,
        name="Safety razor",
        image_url="https://cdn.example.com/img/razor.jpg",
        card_description="A brass safety razor with a long handle.",
    )
    spoken_only = ProductFactory(
        store=store, name="Blades", image_url="", card_description="", spoken_description="ten"
    )

    page = client.get(url("product", store, item.pk)).content.decode()
    plain = client.get(url("product", store, spoken_only.pk)).content.decode()

    assert (
        '<img class="product-image" src="https://cdn.example.com/img/razor.jpg" '
        'alt="Safety razor" width="640" height="640">'
    ) in page
    assert "<p>A brass safety razor with a long handle.</p>" in page
    assert 'class="product-image"' not in plain
    assert "<p>Blades: ten.</p>" in plain


def test_sold_out_and_inactive_products(client, store):
    sold_out = product(store, stock=0)
    hidden = product(store, active=False)
    page = client.get(url("product", store, sold_out.pk)).content.decode()
    assert '<p id="stock">Sold out</p>' in page and "Add to cart" not in page
    assert client.get(url("product", store, hidden.pk)).status_code == 404


def test_another_stores_category_and_product_are_not_found(client, store):
    other = StoreFactory()
    theirs = ProductFactory(store=other)
    assert client.get(url("product", store, theirs.pk)).status_code == 404
    assert client.get(url("category", store, theirs.category_id)).status_code == 404
    assert client.get(url("product", other, theirs.pk)).status_code == 200
    assert client.get("/shop/no-such-store/").status_code == 404


def test_category_pages_24_products_a_page(client, store):
    category = CategoryFactory(store=store)
    for n in range(30):
        ProductFactory(store=store, category=category, name=f"Blade {n:02d}")
    first = client.get(url("category", store, category.pk))
    second = client.get(url("category", store, category.pk) + "?page=2")
    assert len(first.context["page"].items) == 24 and first.context["page"].has_next
    assert [p.name for p in second.context["page"].items] == [f"Blade {n}" for n in range(24, 30)]
    assert not second.context["page"].has_next


def test_search_by_name_and_sku(client, store):
    ProductFactory(store=store, name="Safety razor", sku="NN-RAZOR")
    ProductFactory(store=store, name="Shaving cream", sku="NN-CREAM")
    ProductFactory(name="Safety razor elsewhere")  # another store's

    by_name = client.get(url("search", store), {"q": "  RAZOR "})
    by_sku = client.get(url("search", store), {"q": "nn-cream"})
    nothing = client.get(url("search", store), {"q": "toothbrush"})
    short = client.get(url("search", store), {"q": "r"})

    assert [p.name for p in by_name.context["page"].items] == ["Safety razor"]
    assert [p.name for p in by_sku.context["page"].items] == ["Shaving cream"]
    assert "Nothing matches “toothbrush”. Try fewer or other words." in nothing.content.decode()
    assert "Type at least two letters." in short.content.decode()


def test_queries_per_page_do_not_grow_with_the_catalog(store):
    account = make_shopper(store)
    client = signed_in(account)
    category = CategoryFactory(store=store)
    first = ProductFactory(store=store, category=category, best_seller=True)
    shoppers.cart_add(customer=account.customer, product=first, quantity=1)
    add_address(account)
    pages = (
        ("home", ()),
        ("product", (first.pk,)),
        ("category", (category.pk,)),
        ("search", ()),
        ("cart", ()),
        ("checkout", ()),
    )

    def counts():
        counted = {}
        for name, args in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url(name, store, *args), {"q": "product"}).status_code == 200
            counted[name] = len(queries)
        return counted

    small = counts()
    assert small == {
        "home": 6,
        "product": 6,
        "category": 6,
        "search": 5,
        "cart": 7,
        "checkout": 9,
    }
    ProductFactory.create_batch(60, store=store, category=category, best_seller=True)
    assert counts() == small


def test_product_images_are_allowed_by_the_pages_content_security_policy(client, store):
    shown = ProductFactory(
        store=store, best_seller=True, image_url="https://cdn.example.com/img/kit.jpg"
    )
    ProductFactory(store=store, image_url="http://plain.example.com/x.jpg")  # not https

    for page in (url("home", store), url("product", store, shown.pk)):
        policy = client.get(page)["Content-Security-Policy"]
        img_src = next(d for d in policy.split("; ") if d.startswith("img-src"))
        assert img_src == "img-src 'self' data: https://cdn.example.com"
    policy = client.get(url("search", store))["Content-Security-Policy"]
    assert "cdn.example.com" not in policy
