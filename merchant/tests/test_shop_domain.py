"""A store's own shop domain: validated and unique, mapped to the store by one cached lookup,
accepted as a host for its own requests only, its root the web shop and the UCP root."""

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from merchant.domains import store_for_domain
from merchant.models import Store
from merchant.tests.factories import StoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def store():
    return StoreFactory(slug="flowers", shop_domain="shop.flowers.example")


@pytest.mark.parametrize(
    ("value", "saved"),
    [
        ("Shop.Example.COM", "shop.example.com"),
        (" shop.example.com. ", "shop.example.com"),
        ("", ""),
    ],
)
def test_a_host_name_is_kept_in_lower_case(value, saved):
    store = StoreFactory.build(shop_domain=value, invocation_name="flower shop")
    store.full_clean(exclude=["slug"])
    assert store.shop_domain == saved


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("https://shop.example.com", "Give a host name only"),
        ("shop.example.com/path", "Give a host name only"),
        ("localhost", "Give a host name only"),
        ("-shop.example.com", "Give a host name only"),
        ("shop_1.example.com", "Give a host name only"),
        ("10.0.0.1", "not an IP address"),
        ("127.0.0.1", "not an IP address"),
    ],
)
def test_what_is_no_host_name_is_refused_in_words(value, words):
    store = StoreFactory.build(shop_domain=value, invocation_name="flower shop")
    with pytest.raises(ValidationError) as info:
        store.full_clean(exclude=["slug"])
    assert words in " ".join(info.value.message_dict["shop_domain"])


def test_the_portals_own_host_is_refused(settings):
    settings.ALLOWED_HOSTS = ["portal.example.com", ".portal.example.com"]
    for value in ("portal.example.com", "shop.portal.example.com"):
        store = StoreFactory.build(shop_domain=value, invocation_name="flower shop")
        with pytest.raises(ValidationError) as info:
            store.full_clean(exclude=["slug"])
        assert info.value.message_dict["shop_domain"] == [
            "This is one of the portal's own host names; give the store's own domain."
        ]


def test_two_stores_cannot_share_a_domain_but_many_have_none(store):
    StoreFactory(shop_domain="")
    StoreFactory(shop_domain="")
    other = StoreFactory.build(
        slug="other", invocation_name="flower shop", shop_domain="SHOP.flowers.example"
    )
    with pytest.raises(ValidationError) as info:
        other.full_clean()
    assert info.value.messages == ["Another store already uses this shop domain."]


def test_the_lookup_is_one_query_then_cached_unknown_hosts_too(store):
    with CaptureQueriesContext(connection) as first:
        found = store_for_domain("shop.flowers.example")
        assert store_for_domain("nobody.example") is None
    with CaptureQueriesContext(connection) as again:
        assert store_for_domain("SHOP.flowers.example") == found
        assert store_for_domain("nobody.example") is None
    assert (found.pk, found.slug, len(first), len(again)) == (store.pk, "flowers", 2, 0)


def test_a_changed_domain_is_served_at_once_and_the_old_one_let_go(store):
    assert store_for_domain("shop.flowers.example").pk == store.pk
    store.shop_domain = "www.flowers.example"
    store.save()
    assert store_for_domain("shop.flowers.example") is None
    assert store_for_domain("www.flowers.example").pk == store.pk
    Store.objects.get(pk=store.pk).delete()
    assert store_for_domain("www.flowers.example") is None


def test_the_domains_root_is_the_web_shop_and_its_pages_are_the_stores(store):
    client = Client(HTTP_HOST="shop.flowers.example")
    home = client.get("/")
    assert home.status_code == 200
    assert home.wsgi_request.resolver_match.view_name == "shop:home"
    assert home.wsgi_request.resolver_match.kwargs == {"store_slug": "flowers"}
    assert home.wsgi_request.path == "/"  # what the client asked for is kept
    login = client.get("/login/")
    assert (login.status_code, login.wsgi_request.resolver_match.view_name) == (200, "shop:login")
    page = client.get("/shop/flowers/login/")  # the shop's own links work there too
    assert page.wsgi_request.resolver_match.view_name == "shop:login"


def test_the_domains_root_is_the_ucp_root(store):
    client = Client(HTTP_HOST="shop.flowers.example")
    response = client.get("/.well-known/ucp")
    assert response.status_code == 200
    service = response.json()["ucp"]["services"]["dev.ucp.shopping"][0]
    assert service["endpoint"] == "http://shop.flowers.example"
    refused = client.post("/checkout-sessions", data={}, content_type="application/json")
    assert refused.wsgi_request.resolver_match.view_name == "ucp:checkouts"
    assert refused.json()["messages"][0]["code"] == "invalid_profile_url"


def test_the_domains_mcp_endpoint_and_its_resource_metadata(store):
    client = Client(HTTP_HOST="shop.flowers.example")
    services = client.get("/.well-known/ucp").json()["ucp"]["services"]["dev.ucp.shopping"]
    assert [(s["transport"], s["endpoint"]) for s in services] == [
        ("rest", "http://shop.flowers.example"),
        ("mcp", "http://shop.flowers.example/mcp"),
    ]
    unauthorized = client.post("/mcp", data={}, content_type="application/json")
    assert unauthorized.wsgi_request.resolver_match.view_name == "ucp:mcp"
    assert unauthorized.status_code == 401
    metadata = client.get("/.well-known/oauth-protected-resource/mcp")
    assert metadata.status_code == 200
    assert metadata.json()["resource"] == "http://shop.flowers.example/mcp"
    assert metadata.json()["authorization_servers"] == ["http://shop.flowers.example"]
    assert client.get("/.well-known/oauth-protected-resource/nothing").status_code == 404


def test_unknown_hosts_are_still_refused_and_a_domain_reaches_only_its_store(store):
    StoreFactory(slug="garden", shop_domain="garden.example")
    assert Client(HTTP_HOST="evil.example").get("/").status_code == 400
    response = Client(HTTP_HOST="garden.example").get("/.well-known/ucp")
    assert response.json()["ucp"]["services"]["dev.ucp.shopping"][0]["endpoint"] == (
        "http://garden.example"
    )
    # Another store's pages under the portal's paths answer as on the portal's host.
    other = Client(HTTP_HOST="garden.example").get("/ucp/flowers/.well-known/ucp")
    assert other.json()["ucp"]["services"]["dev.ucp.shopping"][0]["endpoint"] == (
        "http://garden.example/ucp/flowers"
    )


def test_the_portals_own_host_is_unchanged(store):
    response = Client().get("/ucp/flowers/.well-known/ucp")
    assert response.json()["ucp"]["services"]["dev.ucp.shopping"][0]["endpoint"] == (
        "http://testserver/ucp/flowers"
    )
    assert Client().get("/").status_code == 302  # the portal's home, not a shop
