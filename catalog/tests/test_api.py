"""The catalog API (/api/categories/, /api/products/, stock adjustments): exact bodies, the
admin's rules and words on writes, scope refusals and other stores with nothing changed, the
catalog revision moved like an admin edit, filters and pages."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from rest_framework.test import APIClient

from apikeys.tests.helpers import client_with, make_key
from catalog.models import Product, ProductLocalization, StockAdjustment
from catalog.selectors import catalog_revision
from catalog.tests.factories import CategoryFactory, ProductFactory, SynonymFactory
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return StoreFactory(slug="alpha", name="Alpha Shaves", enabled_locales=["en-US", "de-DE"])


@pytest.fixture
def other():
    return StoreFactory(slug="beta", name="Beta Blades")


@pytest.fixture
def razor(store):
    category = CategoryFactory(store=store, name="Razors", spoken_name="razors", position=1)
    product = ProductFactory(
        store=store,
        category=category,
        name="Classic Razor",
        sku="RZ-1",
        spoken_description="a steel razor with five blades",
        price=Decimal("19.00"),
        stock=10,
    )
    ProductLocalization.objects.create(
        store=store,
        product=product,
        locale="de-DE",
        spoken_name="Klassischer Rasierer",
        spoken_description="ein Rasierer aus Stahl",
    )
    SynonymFactory(product=product, value="shaver", locale="")
    return product


def reader(store):
    return client_with(make_key(store, "catalog:read"))


def writer(store):
    return client_with(make_key(store, "catalog:read", "catalog:write", name="Sync"))


def product_state(product):
    product.refresh_from_db()
    return (
        {f.name: getattr(product, f.name) for f in Product._meta.concrete_fields},
        sorted(product.localizations.values_list("locale", "spoken_description")),
        sorted(product.synonyms.values_list("value", "locale")),
        StockAdjustment.objects.count(),
        catalog_revision(store_id=product.store_id),
    )


def test_a_product_reads_with_its_texts_synonyms_price_and_stock(store, razor):
    body = reader(store).get(f"/api/products/{razor.pk}/").json()
    assert body == {
        "id": razor.pk,
        "store": "alpha",
        "category": razor.category_id,
        "sku": "RZ-1",
        "name": "Classic Razor",
        "spoken_name": "",
        "spoken_description": "a steel razor with five blades",
        "card_description": "",
        "image_url": "",
        "price": "19.00",
        "currency": "USD",
        "stock": 10,
        "low_stock_threshold": None,
        "active": True,
        "best_seller": False,
        "repeat_purchase": False,
        "refill_interval_weeks": None,
        "texts": {
            "de-DE": {
                "spoken_name": "Klassischer Rasierer",
                "spoken_description": "ein Rasierer aus Stahl",
                "card_description": "",
            }
        },
        "synonyms": [{"value": "shaver", "locale": ""}],
        "updated_at": body["updated_at"],
    }


def test_categories_read_in_spoken_order(store, razor):
    CategoryFactory(store=store, name="Blades", spoken_name="blades", position=0)
    body = reader(store).get("/api/categories/?store=alpha").json()
    assert body["count"] == 2
    assert [(c["name"], c["position"], c["store"]) for c in body["results"]] == [
        ("Blades", 0, "alpha"),
        ("Razors", 1, "alpha"),
    ]


def test_lists_filter_and_page(store, razor):
    for n in range(3):
        ProductFactory(store=store, category=razor.category, name=f"Blade pack {n}", stock=0)
    client = reader(store)
    assert client.get("/api/products/?q=razor").json()["count"] == 1
    assert client.get("/api/products/?sku=rz-1").json()["results"][0]["id"] == razor.pk
    assert client.get("/api/products/?in_stock=false").json()["count"] == 3
    first = client.get("/api/products/?page_size=2").json()
    assert (first["count"], len(first["results"])) == (4, 2)
    assert first["next"].endswith("page=2&page_size=2")
    assert len(client.get(first["next"]).json()["results"]) == 2


def test_another_store_is_out_of_reach_and_unchanged(store, other, razor):
    theirs = ProductFactory(store=other, name="Their Razor")
    before = product_state(theirs)
    client = writer(store)
    assert [p["id"] for p in client.get("/api/products/").json()["results"]] == [razor.pk]
    assert client.get(f"/api/products/{theirs.pk}/").status_code == 404
    assert client.get("/api/products/?store=beta").status_code == 404
    assert client.get("/api/categories/?store=beta").status_code == 404
    assert client.patch(f"/api/products/{theirs.pk}/", {"price": "1.00"}).status_code == 404
    adjust = client.post(
        f"/api/products/{theirs.pk}/stock-adjustments/", {"delta": 5, "reason": "count"}
    )
    assert adjust.status_code == 404
    assert client.post("/api/products/?store=beta", {"name": "x"}).status_code == 404
    # Another store's category for my product.
    moved = client.patch(
        f"/api/products/{razor.pk}/", {"category": theirs.category_id}, format="json"
    )
    assert moved.status_code == 400
    assert moved.json() == {
        "category": ["Choose one of the store's own categories: that one belongs to another store."]
    }
    assert product_state(theirs) == before


def test_a_read_only_key_changes_nothing(store, razor):
    before = product_state(razor)
    client = reader(store)
    refused = client.patch(f"/api/products/{razor.pk}/", {"price": "21.00"}, format="json")
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "This API key may not do this: it needs the catalog:write scope."
    }
    adjust = client.post(
        f"/api/products/{razor.pk}/stock-adjustments/", {"delta": 5, "reason": "Delivery"}
    )
    assert adjust.status_code == 403
    made = client.post("/api/categories/", {"name": "Soaps"}, format="json")
    assert made.status_code == 403
    assert product_state(razor) == before
    orders_key = client_with(make_key(store, "orders:read"))
    assert orders_key.get("/api/products/").status_code == 403


def test_a_change_through_the_api_marks_the_package_changed(store, razor):
    before = catalog_revision(store_id=store.pk)
    client = writer(store)
    response = client.patch(
        f"/api/products/{razor.pk}/",
        {
            "name": "Classic Razor Two",
            "price": "21.00",
            "texts": {"de-DE": {"spoken_description": "ein schwerer Rasierer"}},
            "synonyms": [{"value": "shaver"}, {"value": "Nassrasierer", "locale": "de-DE"}],
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["price"]) == ("Classic Razor Two", "21.00")
    assert body["texts"]["de-DE"] == {
        "spoken_name": "Klassischer Rasierer",
        "spoken_description": "ein schwerer Rasierer",
        "card_description": "",
    }
    assert body["synonyms"] == [
        {"value": "shaver", "locale": ""},
        {"value": "Nassrasierer", "locale": "de-DE"},
    ]
    assert catalog_revision(store_id=store.pk) > before
    # A person's change is also written in the admin's history.
    editor = MembershipFactory(store=store, role=Role.CATALOG_EDITOR).user
    staff = APIClient()
    staff.force_authenticate(editor)
    assert staff.patch(f"/api/products/{razor.pk}/", {"best_seller": True}).status_code == 200
    entry = LogEntry.objects.filter(user=editor).get()
    assert entry.change_message == "Changed through the API: best_seller."


def test_a_product_is_created_in_the_keys_store(store, razor):
    response = writer(store).post(
        "/api/products/",
        {
            "category": razor.category_id,
            "sku": "BL-10",
            "name": "Blade Pack",
            "spoken_description": "ten spare blades",
            "price": "9.50",
            "stock": 40,
            "synonyms": [{"value": "spare blades"}],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    made = Product.objects.get(sku="BL-10")
    assert (made.store, made.currency, made.stock, made.active) == (store, "USD", 40, True)
    assert response.json()["id"] == made.pk
    assert list(made.synonyms.values_list("value", flat=True)) == ["spare blades"]


@pytest.mark.parametrize(
    ("change", "errors"),
    [
        (
            {"price": "0.00"},
            {"price": ["The price must be above zero: Alexa cannot sell a product for nothing."]},
        ),
        ({"price": "-1.00"}, {"price": ["The price cannot be negative."]}),
        ({"currency": "EUR"}, {"currency": ["The store sells in USD."]}),
        (
            {"spoken_description": "a razor 😀"},
            {
                "spoken_description": [
                    "Alexa cannot say “😀” (grinning face). Use letters, digits, spaces and "
                    "common punctuation; say it in words instead."
                ]
            },
        ),
        ({"sku": "DUP-1"}, None),
        (
            {"synonyms": [{"value": "Classic Razor"}]},
            {"synonyms": ["“Classic Razor” is already the name of Classic Razor."]},
        ),
        (
            {"texts": {"fr-FR": {"spoken_name": "rasoir"}}},
            {"texts": ["The store's skill does not speak fr-FR."]},
        ),
        (
            {"texts": {"de-DE": {"spoken_description": "scharf ™"}}},
            {
                "texts": [
                    "de-DE spoken_description: Alexa cannot say “™” (trade mark sign). Use "
                    "letters, digits, spaces and common punctuation; say it in words instead."
                ]
            },
        ),
    ],
)
def test_writes_are_refused_with_the_admins_words_and_change_nothing(store, razor, change, errors):
    ProductFactory(store=store, category=razor.category, sku="DUP-1", name="Other")
    before = product_state(razor)
    response = writer(store).patch(f"/api/products/{razor.pk}/", change, format="json")
    assert response.status_code == 400
    if errors is not None:
        assert response.json() == errors
    assert product_state(razor) == before


def test_the_one_breath_rule_applies_to_api_writes(store, razor):
    before = product_state(razor)
    long = " ".join(["very"] * 30) + " sharp"
    response = writer(store).patch(
        f"/api/products/{razor.pk}/", {"spoken_description": long}, format="json"
    )
    assert response.status_code == 400
    message = response.json()["active"][0]
    assert message.startswith("The pitch does not fit one breath (en-US: ")
    assert "the limit is 8 s, 20 words at 150 words a minute" in message
    assert product_state(razor) == before


def test_a_stock_adjustment_counts_and_is_audited(store, razor):
    client = writer(store)
    url = f"/api/products/{razor.pk}/stock-adjustments/"
    response = client.post(url, {"delta": 5, "reason": "Delivery from Acme"}, format="json")
    assert response.status_code == 201
    adjustment = StockAdjustment.objects.get()
    assert response.json() == {
        "id": adjustment.pk,
        "product": razor.pk,
        "delta": 5,
        "reason": "Delivery from Acme",
        "stock": 15,
        "created_at": response.json()["created_at"],
    }
    assert (adjustment.actor, adjustment.actor_label) == (None, "API key “Sync”")
    revision = catalog_revision(store_id=store.pk)
    taken = client.post(url, {"delta": -15, "reason": "Count"}, format="json")
    assert taken.json()["stock"] == 0
    assert catalog_revision(store_id=store.pk) == revision  # stock only: not the package
    razor.refresh_from_db()
    assert razor.stock == 0


def test_a_stock_adjustment_is_refused_in_words(store, razor):
    client = writer(store)
    url = f"/api/products/{razor.pk}/stock-adjustments/"
    before = product_state(razor)
    below = client.post(url, {"delta": -11, "reason": "Count"}, format="json")
    assert below.status_code == 409
    assert below.json() == {
        "code": "stock_below_zero",
        "detail": "Classic Razor has 10 in stock: taking 11 would leave less than none.",
    }
    assert client.post(url, {"delta": 0, "reason": "x"}, format="json").json() == {
        "delta": ["An adjustment of 0 changes nothing."]
    }
    assert client.post(url, {"delta": 2, "reason": " "}, format="json").status_code == 400
    assert client.post(url, {"delta": "many", "reason": "x"}, format="json").status_code == 400
    razor.stock = None
    razor.save()
    before = product_state(razor)
    unlimited = client.post(url, {"delta": 1, "reason": "x"}, format="json")
    assert unlimited.json()["code"] == "unlimited_stock"
    assert product_state(razor) == before
