"""Benchmark: the support console's order list on 10,000 and then 1,000,000 orders.

    .venv/bin/python bench/back_office.py [--orders 1000000] [--small 10000] [--runs 21]

Uses its own PostgreSQL database (``BENCH_DATABASE_URL``, default
postgres://postgres@127.0.0.1:5432/voicestore_bench; created if missing, emptied on start,
never the portal's database). Migrates it, creates one store with a support agent and
50,000 customers, and loads orders with ``INSERT ... SELECT generate_series`` (bounded by
--orders). For each size it renders, through Django's test client as the support agent,
the first page, a filtered page (status + payment status + date range), a search by email,
by customer name and by order number, and the second keyset page, and prints the median
server time over --runs requests and the number of SQL queries. Goal: median under 300 ms
and the same query count at 10k and 1M.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/voicestore_bench"
CUSTOMERS = 50_000


def ensure_database(url: str) -> None:
    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # allows the test client's host, locmem email
    call_command("migrate", verbosity=0)


def seed(store_slug="bench-store"):
    import seeding
    from django.db import connection

    from merchant.models import Role, Store

    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE orders_orderevent, orders_paymenttransaction, orders_orderline, "
            "orders_refundrequest, orders_refillrenewal, orders_refillplanevent, "
            "orders_refillplan, orders_order, orders_customer RESTART IDENTITY CASCADE"
        )
    Store.objects.filter(slug__in=[store_slug, "bench-other"]).delete()
    store = seeding.store(store_slug, "Bench store")
    seeding.store("bench-other", "Other store")
    agent = seeding.staff(store, f"bench-agent-{time.time_ns()}", Role.SUPPORT_AGENT)
    with connection.cursor() as cur:
        cur.execute(
            """
            INSERT INTO orders_customer (store_id, alexa_user_id, name, email, locale,
                billing_agreement_id, billing_agreement_status, payment_consent,
                shipping_address, created_at, updated_at)
            SELECT %s, 'amzn1.ask.account.BENCH' || g,
                   (ARRAY['Ada','Grace','Alan','Edsger','Barbara','Donald','Margaret','Linus'])
                       [1 + g %% 8] || ' Shopper' || g,
                   'shopper' || g || '@example.com', 'en-US', 'C01-' || g, 'OPEN', 'GRANTED',
                   '{}'::jsonb, now(), now()
            FROM generate_series(1, %s) AS g
            """,
            [store.pk, CUSTOMERS],
        )
    return store, agent


def load_orders(store, start: int, stop: int) -> float:
    """Orders start+1..stop, newest last, one every 30 s back from now."""
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT min(id) FROM orders_customer WHERE store_id = %s", [store.pk])
        first_customer = cur.fetchone()[0]
        cur.execute(
            """
            INSERT INTO orders_order (store_id, customer_id, number, status, payment_status,
                payment_mode, source, is_test, locale, currency, subtotal, tax, shipping, total,
                authorized_amount, captured_amount, refunded_amount, refund_pending_amount,
                shipping_address, email, carrier, tracking_number, created_at, updated_at,
                placed_at)
            SELECT %(store)s, %(c0)s + (g %% %(customers)s), (100000 + g)::text,
                   (ARRAY['placed','shipped','delivered','cancelled','shipped'])[1 + g %% 5],
                   (ARRAY['captured','captured','authorized','refunded','captured'])[1 + g %% 5],
                   'charge_now', 'voice', g %% 100 = 0, 'en-US', 'USD',
                   20.00, 1.60, 0, 21.60, 21.60,
                   CASE WHEN g %% 5 = 2 THEN 0 ELSE 21.60 END,
                   CASE WHEN g %% 5 = 3 THEN 21.60 ELSE 0 END, 0,
                   '{}'::jsonb, 'shopper' || (g %% %(customers)s + 1) || '@example.com', '', '',
                   now() - ((%(stop)s - g) * interval '30 seconds'),
                   now() - ((%(stop)s - g) * interval '30 seconds'),
                   now() - ((%(stop)s - g) * interval '30 seconds')
            FROM generate_series(%(start)s + 1, %(stop)s) AS g
            """,
            {
                "store": store.pk,
                "c0": first_customer,
                "customers": CUSTOMERS,
                "start": start,
                "stop": stop,
            },
        )
        cur.execute("ANALYZE orders_order")
        cur.execute("ANALYZE orders_customer")
    return time.perf_counter() - began


def measure(agent, runs: int, total: int) -> list[tuple[str, float, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(agent)
    newest = 100000 + total
    today = time.strftime("%Y-%m-%d")
    pages = [
        ("first page", {}),
        ("filtered", {"status": "shipped", "payment_status": "captured", "created_to": today}),
        ("search email", {"q": "shopper777@example.com"}),
        ("search name", {"q": "grace shopper4"}),
        ("search number", {"q": str(newest - 12345)}),
    ]
    first = client.get("/support/")
    assert first.status_code == 200, first.status_code
    pages.append(("second page", dict(parse_qsl(first.context["next_url"][1:]))))
    results = []
    for name, params in pages:
        for _ in range(3):  # warm up
            client.get("/support/", params)
        timings = []
        for _ in range(runs):
            began = time.perf_counter()
            response = client.get("/support/", params)
            timings.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/support/", params)
        results.append(
            (name, statistics.median(timings), len(queries), len(response.context["orders"]))
        )
    return results


def measure_export(agent) -> tuple[int, float, float]:
    import resource

    from django.test import Client

    client = Client()
    client.force_login(agent)
    began = time.perf_counter()
    response = client.get("/support/orders.csv")
    lines = sum(chunk.count(b"\n") for chunk in response.streaming_content)
    seconds = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return lines, seconds, peak_mb


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args()
    if not 0 < args.small < args.orders <= 5_000_000:
        parser.error("need 0 < --small < --orders <= 5,000,000")
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    ensure_database(url)
    setup_django(url)
    store, agent = seed()
    report = {}
    loaded = 0
    for size in (args.small, args.orders):
        seconds = load_orders(store, loaded, size)
        loaded = size
        print(f"loaded {size:,} orders ({seconds:.1f} s)", flush=True)
        report[size] = measure(agent, args.runs, size)
    print()
    print(f"{'page':<16}" + "".join(f"{f'{n:,} orders':>30}" for n in report))
    print(f"{'':<16}" + "".join(f"{'median ms / queries / rows':>30}" for _ in report))
    names = [row[0] for row in report[args.small]]
    for i, name in enumerate(names):
        cells = "".join(
            f"{f'{rows[i][1]:.1f} / {rows[i][2]} / {rows[i][3]}':>30}" for rows in report.values()
        )
        print(f"{name:<16}{cells}")
    export_rows, export_seconds, rss_mb = measure_export(agent)
    print()
    print(
        f"CSV export of all {export_rows - 1:,} orders: {export_seconds:.1f} s, "
        f"peak memory {rss_mb:.0f} MB (streamed from a server-side cursor)"
    )
    worst = max(row[1] for rows in report.values() for row in rows)
    same_queries = all(
        a[2] == b[2] for a, b in zip(report[args.small], report[args.orders], strict=True)
    )
    print()
    print(f"worst median: {worst:.1f} ms (goal < 300 ms): {'OK' if worst < 300 else 'MISSED'}")
    print(f"query counts equal at both sizes: {'OK' if same_queries else 'NO'}")
    return 0 if worst < 300 and same_queries else 1


if __name__ == "__main__":
    sys.exit(main())
