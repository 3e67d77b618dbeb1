"""Benchmark: the web shop's home, product, cart and checkout pages at 10 and 10,000 products.

    .venv/bin/python bench/shop.py [--products 10000] [--small 10] [--runs 200]

Creates a throwaway PostgreSQL database (``DATABASE_URL`` names the server; default
``postgres://postgres@127.0.0.1:5432/``), migrates it, makes one store (six categories, a
few best sellers), a signed-in shopper with an address, a saved card and three items in the
cart, and fills the catalog to --small products, then to --products. At each size it
requests every page --runs times through Django's test client (the whole middleware stack:
sessions, auth, CSRF, CSP) as that shopper and prints the server time p50/p95 in
milliseconds, the SQL queries of one request, and the ratio to a floor measured in the same
run: a bench-only page under the same middleware that loads the store and the shopper and
renders the shop's base template with nothing in it (what every shop page pays before its
own content). Goal: p95 < 100 ms on every page and the same query count at both sizes.
Drops the database at the end, whatever happens.
"""

import argparse
import os
import statistics
import sys
import time
import types
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
# The project first: this file's own directory (bench/, on the path as the script's) holds a
# ``shop.py`` too, and ``import shop`` must find the app.
sys.path.insert(0, str(ROOT))

from skill_endpoint import psql  # noqa: E402  (bench/ is the script's directory)

KINDS = ["Razors", "Blades", "Creams", "Brushes", "Balms", "Kits"]
PASSWORD = "bench-shopper-42"
FLOOR_URLCONF = "bench_shop_floor_urls"


def install_floor() -> None:
    """A urlconf with the floor page in front of the portal's own URLs."""
    from django.http import HttpRequest, HttpResponse
    from django.shortcuts import get_object_or_404, render
    from django.urls import include, path

    from merchant.models import Store
    from shoppers.selectors import shopper_for_request

    def floor(request: HttpRequest, store_slug: str) -> HttpResponse:
        store = get_object_or_404(Store, slug=store_slug)
        shopper = shopper_for_request(request, store)
        return render(request, "shop/base.html", {"store": store, "shopper": shopper})

    module = types.ModuleType(FLOOR_URLCONF)
    module.urlpatterns = [  # type: ignore[attr-defined]
        path("bench-floor/<slug:store_slug>/", floor),
        path("", include("config.urls")),
    ]
    sys.modules[FLOOR_URLCONF] = module


def seed():
    """The store, its categories and first product, and the shopper with cart, address and
    card (made through the apps' services; the card row directly, as no Stripe runs here)."""
    import seeding

    from cards.models import SavedCard
    from catalog.models import Category
    from shoppers import services as shoppers
    from shoppers.models import ShopperAccount

    store = seeding.store("bench-shop", "Bench Shaving Supplies")
    categories = Category.objects.bulk_create(
        Category(store=store, name=kind, spoken_name=kind.lower(), position=n)
        for n, kind in enumerate(KINDS)
    )
    account = shoppers.account_sign_up(
        store=store, email="shopper@example.com", password=PASSWORD, name="Bench Shopper"
    )
    ShopperAccount.objects.filter(pk=account.pk).update(email_verified_at=store.created_at)
    shoppers.address_add(
        account=account,
        name="Bench Shopper",
        line1="1 Main St",
        line2="",
        city="Seattle",
        region="WA",
        postal_code="98109",
        country="US",
        phone="",
    )
    SavedCard.objects.create(
        store=store,
        customer=account.customer,
        stripe_payment_method_id="pm_bench_4242",
        brand="visa",
        last4="4242",
        exp_month=12,
        exp_year=2030,
        is_default=True,
    )
    return store, categories, account


def fill(store, categories, start: int, stop: int) -> None:
    from catalog.models import Product

    Product.objects.bulk_create(
        Product(
            store=store,
            category=categories[n % len(categories)],
            name=f"Product {n:05d} {KINDS[n % len(KINDS)][:-1].lower()}",
            sku=f"SKU-{n}",
            spoken_description="a sturdy thing",
            card_description="A sturdy thing for a close shave.",
            price=Decimal("9.00") + n % 7,
            currency=store.currency,
            stock=None if n % 3 else 50,
            best_seller=n < 8,
        )
        for n in range(start, stop)
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_product")


def measure(store, account, runs: int) -> dict[str, tuple[float, float, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from catalog.models import Product
    from shoppers import services as shoppers

    client = Client()
    client.force_login(account.user, backend="shoppers.auth.ShopperBackend")
    products = list(Product.objects.filter(store=store).order_by("pk")[:3])
    for product in products:
        shoppers.cart_add(customer=account.customer, product=product, quantity=1)
    slug = store.slug
    pages = {
        "floor": f"/bench-floor/{slug}/",
        "home": f"/shop/{slug}/",
        "product": f"/shop/{slug}/p/{products[0].pk}/",
        "cart": f"/shop/{slug}/cart/",
        "checkout": f"/shop/{slug}/checkout/",
    }
    results = {}
    with override_settings(ROOT_URLCONF=FLOOR_URLCONF):
        for name, url in pages.items():
            for _ in range(10):  # warm up
                client.get(url)
            timings = []
            for _ in range(runs):
                began = time.perf_counter()
                response = client.get(url)
                timings.append((time.perf_counter() - began) * 1000)
                assert response.status_code == 200, (name, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            p95 = statistics.quantiles(timings, n=20)[-1]
            results[name] = (statistics.median(timings), p95, len(queries))
    for product in products:
        shoppers.cart_remove(customer=account.customer, product=product)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    if not 3 <= args.small < args.products <= 1_000_000:
        parser.error("need 3 <= --small < --products <= 1,000,000")

    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
    database = f"bench_shop_{os.getpid()}"
    database_url = urlsplit(server)._replace(path=f"/{database}").geturl()
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "SECRET_KEY": "bench-only-secret",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "ERROR",
            "CELERY_TASK_ALWAYS_EAGER": "true",
            "CELERY_BROKER_URL": "",
            "SECURE_SSL_REDIRECT": "false",
        }
    )
    psql(server, f'DROP DATABASE IF EXISTS "{database}"')
    psql(server, f'CREATE DATABASE "{database}"')
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.test.utils import setup_test_environment

        setup_test_environment()  # the test client's host, locmem email
        call_command("migrate", verbosity=0)
        install_floor()
        store, categories, account = seed()
        sizes = {}
        fill(store, categories, 0, args.small)
        sizes[args.small] = measure(store, account, args.runs)
        fill(store, categories, args.small, args.products)
        sizes[args.products] = measure(store, account, args.runs)
        from django.db import connections

        connections.close_all()
    finally:
        psql(server, f'DROP DATABASE IF EXISTS "{database}"')

    ok = True
    print(f"PostgreSQL, Django's test client, {args.runs} requests a page, signed-in shopper")
    print(f"{'products':>9} {'page':<9}{'p50 ms':>8}{'p95 ms':>8}{'/floor':>8}{'queries':>9}")
    for size, results in sizes.items():
        floor_p50 = results["floor"][0]
        for name, (p50, p95, queries) in results.items():
            print(f"{size:>9} {name:<9}{p50:>8.1f}{p95:>8.1f}{p50 / floor_p50:>8.2f}{queries:>9}")
            if name != "floor":
                ok = ok and p95 < 100
    small, large = sizes[args.small], sizes[args.products]
    same = all(small[name][2] == large[name][2] for name in small)
    ok = ok and same
    print(f"queries per page independent of the catalog's size: {'yes' if same else 'NO'}")
    verdict = "met" if ok else "MISSED"
    print(f"goal (p95 < 100 ms on every page, same queries at both sizes): {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
