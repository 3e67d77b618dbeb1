"""Catalog search and lookup (catalog/rest.md): the store's active products, with prices,
availability and translations, paged by cursor; every response valid against the schemas;
queries per call constant in the number of products."""

from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from catalog.models import Category, Product, ProductLocalization, ProductSynonym
from catalog.tests.factories import ProductFactory
from merchant.models import Store
from merchant.tests.factories import StoreFactory
from ucp.negotiation import Platform
from ucp.operations.catalog import catalog_get_product, catalog_lookup, catalog_search
from ucp.protocol import CAPABILITIES, CATALOG_LOOKUP, CATALOG_SEARCH, VERSION
from ucp.tests.conftest import UcpClient
from ucp.tests.schema_check import assert_error, assert_valid

pytestmark = pytest.mark.django_db

SEARCH = "shopping/catalog_search.json#/$defs/search_response"
LOOKUP = "shopping/catalog_lookup.json#/$defs/lookup_response"
PRODUCT = "shopping/catalog_lookup.json#/$defs/get_product_response"


def search(agent: UcpClient, body: dict[str, Any], accept_language: str = "") -> dict[str, Any]:
    response = agent.client.post(
        agent.root + "/catalog/search",
        data=body,
        content_type="application/json",
        headers=agent.headers(**({"Accept-Language": accept_language} if accept_language else {})),
    )
    assert response.status_code == 200, response.content
    assert_valid(response.json(), SEARCH)
    return response.json()


def test_search_finds_active_products_by_every_word_with_price_and_stock(agent, flowers):
    Product.objects.filter(sku="orchid_white").update(active=False)
    body = search(agent, {"query": "red roses"})
    assert body["ucp"] == {
        "version": VERSION,
        "capabilities": {CATALOG_SEARCH: [{"version": VERSION}]},
    }
    [product] = body["products"]
    rose = Product.objects.get(sku="bouquet_roses")
    assert product == {
        "id": f"prod_{rose.pk}",
        "title": "Bouquet of Red Roses",
        "description": {"plain": "bouquet of red roses"},
        "url": f"http://testserver/shop/flowers/p/{rose.pk}/",
        "categories": [{"value": "Flowers", "taxonomy": "merchant"}],
        "price_range": {
            "min": {"amount": 3500, "currency": "USD"},
            "max": {"amount": 3500, "currency": "USD"},
        },
        "variants": [
            {
                "id": "bouquet_roses",
                "sku": "bouquet_roses",
                "title": "Bouquet of Red Roses",
                "description": {"plain": "bouquet of red roses"},
                "price": {"amount": 3500, "currency": "USD"},
                "availability": {"available": True, "status": "in_stock"},
                "url": f"http://testserver/shop/flowers/p/{rose.pk}/",
            }
        ],
    }
    assert body["pagination"] == {"has_next_page": False, "total_count": 1}
    assert search(agent, {"query": "orchid"})["products"] == []  # inactive: never shown
    gardenias = search(agent, {"query": "gardenias"})["products"][0]["variants"][0]
    assert gardenias["availability"] == {"available": False, "status": "out_of_stock"}


def test_search_reads_synonyms_translations_categories_and_price_filters(agent, flowers):
    rose = Product.objects.get(sku="bouquet_roses")
    ProductSynonym.objects.create(store=flowers, product=rose, value="valentine")
    flowers.enabled_locales = ["en-US", "de-DE"]
    flowers.save()
    ProductLocalization.objects.create(
        store=flowers,
        product=rose,
        locale="de-DE",
        spoken_name="Strauß roter Rosen",
        card_description="Zwölf rote Rosen.",
    )
    assert [p["variants"][0]["id"] for p in search(agent, {"query": "valentine"})["products"]] == [
        "bouquet_roses"
    ]
    german = search(agent, {"query": "rosen", "context": {"language": "de"}})["products"][0]
    assert (german["title"], german["description"]) == (
        "Strauß roter Rosen",
        {"plain": "Zwölf rote Rosen."},
    )
    by_header = search(agent, {"query": "rosen"}, "de-DE,en;q=0.5")
    assert by_header["products"][0]["title"] == "Strauß roter Rosen"
    cheap = search(agent, {"filters": {"price": {"min": 2000, "max": 3000}}})
    assert sorted(p["variants"][0]["id"] for p in cheap["products"]) == [
        "bouquet_sunflowers",
        "bouquet_tulips",
        "gardenias",
    ]
    other = Category.objects.create(store=flowers, name="Pots")
    Product.objects.filter(sku="pot_ceramic").update(category=other)
    pots = search(agent, {"filters": {"categories": ["pots"]}})
    assert [p["variants"][0]["id"] for p in pots["products"]] == ["pot_ceramic"]
    euros = search(
        agent, {"query": "roses", "filters": {"price": {"max": 1}}, "context": {"currency": "EUR"}}
    )
    assert len(euros["products"]) == 1  # another currency's filter is not applied, and said so
    assert euros["messages"][0]["code"] == "filter_ignored"


def test_search_pages_with_a_cursor(agent, flowers):
    seen: list[str] = []
    body: dict[str, Any] = {"filters": {}, "pagination": {"limit": 2}}
    for _ in range(3):
        page = search(agent, body)
        seen += [p["variants"][0]["id"] for p in page["products"]]
        assert page["pagination"]["total_count"] == 6
        if not page["pagination"]["has_next_page"]:
            break
        body = {"filters": {}, "pagination": {"limit": 2, "cursor": page["pagination"]["cursor"]}}
    assert len(seen) == len(set(seen)) == 6
    assert not page["pagination"]["has_next_page"]
    assert len(search(agent, {"filters": {}})["products"]) == 6  # default page: 10
    clamped = search(agent, {"filters": {}, "pagination": {"limit": 10**9}})
    assert len(clamped["products"]) == 6


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"query": ""},
        {"query": 5},
        {"query": "x" * 501},
        {"query": "roses", "pagination": {"limit": 0}},
        {"query": "roses", "pagination": {"cursor": "not-ours"}},
        {"query": "roses", "filters": {"price": {"min": -1}}},
        {"query": "roses", "filters": {"categories": "Flowers"}},
        {"query": "roses", "context": "US"},
    ],
)
def test_bad_searches_are_400_in_the_error_shape(agent, flowers, body):
    response = agent.post("/catalog/search", body)
    assert response.status_code == 400
    assert_error(response.json())


def test_lookup_by_product_and_variant_ids_correlates_and_reports_unknown_ids(agent, flowers):
    rose = Product.objects.get(sku="bouquet_roses")
    other_store = ProductFactory(sku="pot_ceramic_x", store=StoreFactory())
    ids = [f"prod_{rose.pk}", "bouquet_roses", "pot_ceramic", "nothing", f"prod_{other_store.pk}"]
    response = agent.post("/catalog/lookup", {"ids": [*ids, "pot_ceramic"]})
    assert response.status_code == 200
    body = response.json()
    assert_valid(body, LOOKUP)
    variants = {p["variants"][0]["id"]: p["variants"][0]["inputs"] for p in body["products"]}
    assert variants == {
        "bouquet_roses": [
            {"id": f"prod_{rose.pk}", "match": "featured"},
            {"id": "bouquet_roses", "match": "exact"},
        ],
        "pot_ceramic": [{"id": "pot_ceramic", "match": "exact"}],
    }
    assert body["messages"] == [
        {"type": "info", "code": "not_found", "content": "nothing"},
        {"type": "info", "code": "not_found", "content": f"prod_{other_store.pk}"},
    ]


def test_lookup_refuses_too_many_ids(agent, flowers):
    response = agent.post("/catalog/lookup", {"ids": [f"x{i}" for i in range(51)]})
    assert response.status_code == 400
    assert_error(response.json())
    assert response.json()["messages"][0]["code"] == "request_too_large"


def test_get_product_by_either_id_and_not_found_in_band(agent, flowers):
    rose = Product.objects.get(sku="bouquet_roses")
    for wanted in (f"prod_{rose.pk}", "bouquet_roses"):
        response = agent.post("/catalog/product", {"id": wanted, "selected": [], "preferences": []})
        assert response.status_code == 200
        assert_valid(response.json(), PRODUCT)
        assert response.json()["product"]["id"] == f"prod_{rose.pk}"
    missing = agent.post("/catalog/product", {"id": "pink_wumpus"})
    assert missing.status_code == 200
    assert_error(missing.json())
    assert missing.json()["messages"][0] == {
        "type": "error",
        "code": "not_found",
        "content": "Product not found: pink_wumpus",
        "severity": "unrecoverable",
    }


def test_the_profile_lists_the_catalog_capabilities_and_negotiation_prunes_them(
    agent, flowers, platform
):
    profile = Client().get("/ucp/flowers/.well-known/ucp").json()["ucp"]["capabilities"]
    assert profile[CATALOG_SEARCH][0]["schema"] == (
        f"https://ucp.dev/{VERSION}/schemas/shopping/catalog_search.json"
    )
    assert profile[CATALOG_LOOKUP][0]["spec"] == (
        f"https://ucp.dev/{VERSION}/specification/catalog/lookup"
    )
    platform.profile["ucp"]["capabilities"][CATALOG_SEARCH] = [{"version": "2026-01-23"}]
    response = agent.post("/catalog/search", {"query": "roses"})
    assert response.status_code == 200
    assert_error(response.json())
    assert response.json()["messages"][0]["code"] == "capabilities_incompatible"


def _platform(*caps: str) -> Platform:
    return Platform(
        profile_url="https://platform.example/profile",
        name="platform.example",
        version=VERSION,
        capabilities=frozenset(caps or CAPABILITIES),
    )


def _grow(store: Store, count: int) -> None:
    category = Category.objects.get(store=store, name="Flowers")
    Product.objects.bulk_create(
        Product(
            store=store,
            category=category,
            name=f"Rose variety {i}",
            sku=f"rose_{i}",
            price=Decimal("9.50"),
            currency="USD",
            stock=i,
        )
        for i in range(count)
    )


def test_queries_per_call_do_not_grow_with_the_catalog(flowers, django_assert_num_queries):
    platform = _platform()
    common = {"store": flowers, "platform": platform, "shopper": None, "base_url": "https://x"}
    rose = Product.objects.get(sku="bouquet_roses")
    calls = [
        (catalog_search, {"query": "rose", "pagination": {"limit": 50}}, 3),
        (catalog_lookup, {"ids": ["bouquet_roses", f"prod_{rose.pk}", "rose_1"]}, 2),
        (catalog_get_product, {"id": "bouquet_roses"}, 2),
    ]
    for grow in (0, 60):
        _grow(flowers, grow)
        for operation, payload, queries in calls:
            with django_assert_num_queries(queries):
                status, body = operation(**common, payload=payload)
            assert status == 200
    status, body = catalog_search(**common, payload={"query": "rose", "pagination": {"limit": 50}})
    assert (len(body["products"]), body["pagination"]["total_count"]) == (50, 61)
