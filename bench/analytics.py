"""Benchmark: the analytics API on a year of data, from the daily rollups and from raw rows.

    .venv/bin/python bench/analytics.py [--scale 1.0] [--runs 15] [--keep]

Creates a throwaway PostgreSQL database (``analytics_bench`` on the server ``DATABASE_URL``
names; default postgres://postgres@127.0.0.1:5432/), migrates it, and loads with
``INSERT ... SELECT generate_series`` (--scale 1.0):

* 20 stores in time zones from Los Angeles to Kathmandu (+05:45), 5,000 shoppers each,
* 10,000,000 interactions over the last 365 days, in time order: sessions of five requests
  (launch, three intents, session end) 20 s apart, 1 % from the voice test console,
* 1,000,000 orders (1 % test orders, a fifth cancelled), a refund for one in twenty,
* 100,000 ISP purchase results and a subscription held by one shopper in ten.

Then it rolls up one store's 365 closed days (``manage.py analytics_rollup``'s service) and
times the hourly job's work for one closed day of all 20 stores. For that store it prints
the median server time of ``GET /api/analytics/summary/`` (Django's test client, as a
support agent) over --runs requests for 30, 90 and 365-day ranges ending today, with the SQL
query count: from the rollups (today from the raw tables), and with the rollups deleted
(every day from the raw tables, 3 runs); then both again with the indexes the analytics app
recommends on other apps' tables (``RECOMMENDED_INDEXES``). The database is dropped at the
end, whatever happens (--keep keeps it).
"""

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "analytics_bench"
ZONES = [  # from -10:00 to +10:00, with the +05:30 and +05:45 offsets
    *("America/Los_Angeles", "America/New_York", "UTC", "Europe/London", "Europe/Berlin"),
    *("Asia/Kolkata", "Asia/Kathmandu", "Asia/Tokyo", "Australia/Sydney", "Pacific/Honolulu"),
]
STORES = 20
INTENTS = "{OrderProductIntent,BrowseIntent,AMAZON.YesIntent,OrderStatusIntent,AMAZON.HelpIntent,AMAZON.FallbackIntent}"  # noqa: E501
ENDS = "{session_ended_user_initiated,session_ended_exceeded_max_reprompts,session_ended_error,answered}"  # noqa: E501


def admin_sql(server: str, sql: str) -> None:
    import psycopg2

    parts = urlsplit(server)
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1", port=parts.port or 5432, dbname="postgres",
        user=parts.username or "postgres", password=parts.password or None, connect_timeout=5,
    )  # fmt: skip
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("SECRET_KEY", "bench-only")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["CELERY_BROKER_URL"] = ""
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host
    call_command("migrate", verbosity=0)


def timed(label: str, sql: str, params: dict) -> None:
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.rowcount
    print(f"  {label}: {rows:,} rows in {time.perf_counter() - began:.1f} s", flush=True)


LOADED = ["skill_interaction", "orders_order", "orders_paymenttransaction", "orders_customer"]
LOADED += ["isp_isppurchaseresult", "isp_ispentitlement"]


def bulk_mode(cursor) -> list[str]:
    """Load like a restore: drop the secondary indexes of the loaded tables (built again
    afterwards, in one pass each) and switch off their foreign-key triggers (the rows are
    consistent by construction). Returns the statements that rebuild the indexes."""
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        [LOADED],
    )
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    for table in LOADED:
        cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
    return [definition for _, definition in indexes]


def normal_mode(cursor, indexes: list[str]) -> None:
    began = time.perf_counter()
    cursor.execute("SET maintenance_work_mem = '512MB'")
    for table in LOADED:
        cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER ALL")
    for definition in indexes:
        cursor.execute(definition)
    print(f"  {len(indexes)} indexes built in {time.perf_counter() - began:.1f} s", flush=True)


def seed(scale: float):
    import seeding
    from django.db import connection

    from isp.facts import ProductType
    from merchant.models import Role

    stores = [seeding.store(f"bench-{n}", time_zone=ZONES[n % len(ZONES)]) for n in range(STORES)]
    products = [
        (
            seeding.isp_product(s, "club", ProductType.SUBSCRIPTION).pk,
            seeding.isp_product(s, "pro_pack").pk,
        )
        for s in stores
    ]
    agent = seeding.staff(stores[0], "bench-agent", Role.SUPPORT_AGENT)
    p = {"stores": [s.pk for s in stores], "n": STORES, "intents": INTENTS, "ends": ENDS}
    p["subs"], p["packs"] = [sub for sub, _ in products], [pack for _, pack in products]
    p["customers"] = max(10, int(5_000 * scale))  # per store
    p["sessions"] = int(10_000_000 * scale) // 5  # of 5 interactions each
    p["orders"], p["purchases"] = int(1_000_000 * scale), int(100_000 * scale)
    print(f"loading (scale {scale}):", flush=True)
    with connection.cursor() as cursor:
        indexes = bulk_mode(cursor)
    timed(
        "customers",
        """
        INSERT INTO orders_customer (store_id, alexa_user_id, name, email, locale,
            billing_agreement_id, billing_agreement_status, payment_consent, shipping_address,
            created_at, updated_at)
        SELECT (%(stores)s::bigint[])[1 + g / %(customers)s], 'amzn1.ask.account.B' || g,
               'Shopper ' || g, '', 'en-US', '', '', '', '{}'::jsonb,
               now() - (g %% 400) * interval '1 day', now()
        FROM generate_series(0, %(n)s * %(customers)s - 1) AS g
        """,
        p,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT min(id) FROM orders_customer")
        p["c0"] = cursor.fetchone()[0]
    # Thing s (a session, an order, a purchase): store s %% n, a shopper of that store.
    shopper = "%(c0)s + (s %% %(n)s) * %(customers)s + (s * 7919) %% %(customers)s"
    chunk = 1_000_000
    for first in range(0, p["sessions"], chunk):
        # Request r is request k of session s, in time order.
        timed(
            f"interactions, sessions {first:,}+",
            f"""
            INSERT INTO skill_interaction (store_id, customer_id, request_type, intent, slots,
                session_id, locale, source, latency_ms, outcome, error_code, created_at)
            SELECT (%(stores)s::bigint[])[1 + s %% %(n)s], {shopper},
                   CASE k WHEN 0 THEN 'LaunchRequest' WHEN 4 THEN 'SessionEndedRequest'
                          ELSE 'IntentRequest' END,
                   CASE WHEN k BETWEEN 1 AND 3
                        THEN (%(intents)s::text[])[1 + (s * 3 + k) %% 6] ELSE '' END,
                   '{{}}'::jsonb, 'amzn1.echo-api.session.' || s, 'en-US',
                   CASE WHEN s %% 100 = 7 THEN 'console' ELSE 'voice' END, 120,
                   CASE WHEN k = 4 THEN (%(ends)s::text[])[1 + s %% 4] ELSE 'answered' END, '',
                   now() - interval '365 days' + s * (interval '365 days' / %(sessions)s)
                   + k * interval '20 seconds'
            FROM generate_series(%(first)s::bigint * 5, %(last)s::bigint * 5 + 4) AS r,
                 LATERAL (SELECT r / 5 AS s, r %% 5 AS k) AS split
            """,
            {**p, "first": first, "last": min(first + chunk, p["sessions"]) - 1},
        )
    timed(
        "orders",
        f"""
        INSERT INTO orders_order (store_id, customer_id, number, status, payment_status,
            payment_mode, source, is_test, locale, currency, subtotal, tax, shipping, total,
            authorized_amount, captured_amount, refunded_amount, refund_pending_amount,
            shipping_address, email, carrier, tracking_number, created_at, updated_at,
            placed_at, cancelled_at)
        SELECT (%(stores)s::bigint[])[1 + s %% %(n)s], {shopper}, (100000 + s)::text,
               (ARRAY['placed','shipped','delivered','cancelled','delivered'])[1 + s %% 5],
               'captured', (ARRAY['charge_now','pay_on_delivery'])[1 + s %% 2],
               'voice', s %% 100 = 3, 'en-US', 'USD', 20.00, 1.60, 0, 21.60, 21.60, 21.60,
               0, 0, '{{}}'::jsonb, '', '', '', t, t, t,
               CASE WHEN s %% 5 = 3 THEN t + interval '2 hours' END
        FROM generate_series(0::bigint, %(orders)s - 1) AS s,
             LATERAL (SELECT now() - interval '365 days'
                             + s * (interval '365 days' / %(orders)s) AS t) AS at
        """,
        p,
    )
    timed(
        "refunds",
        """
        INSERT INTO orders_paymenttransaction (store_id, order_id, kind, state, reference_id,
            external_id, amount, currency, reason_code, reason, gateway, raw, created_at,
            updated_at)
        SELECT store_id, id, 'refund', 'succeeded', 'bench-' || id, '', 5.00, 'USD', '',
               'bench', 'amazon_pay_sandbox', '{}'::jsonb, placed_at + interval '3 days',
               placed_at + interval '3 days'
        FROM orders_order WHERE id %% 20 = 0 AND placed_at < now() - interval '3 days'
        """,
        p,
    )
    timed(
        "ISP purchase results",
        f"""
        INSERT INTO isp_isppurchaseresult (store_id, customer_id, product_id, name, result,
            token, marketplace, currency, list_price, is_test, message, created_at)
        SELECT (%(stores)s::bigint[])[1 + s %% %(n)s], {shopper},
               (%(packs)s::bigint[])[1 + s %% %(n)s],
               (ARRAY['Buy','Upsell','Buy','Cancel'])[1 + s %% 4],
               (ARRAY['ACCEPTED','DECLINED','ACCEPTED'])[1 + s %% 3], '', 'amazon.com', 'USD',
               2.99, s %% 50 = 0, '',
               now() - interval '365 days' + s * (interval '365 days' / %(purchases)s)
        FROM generate_series(0::bigint, %(purchases)s - 1) AS s
        """,
        p,
    )
    timed(
        "subscriptions",
        """
        INSERT INTO isp_ispentitlement (store_id, customer_id, product_id, entitled,
            entitlement_reason, active_entitlement_count, purchase_mode, observed_at, created_at)
        SELECT (%(stores)s::bigint[])[1 + g / %(customers)s], %(c0)s + g,
               (%(subs)s::bigint[])[1 + g / %(customers)s], true, 'PURCHASED', 1, 'LIVE', now(),
               now() - (g %% 365) * interval '1 day'
        FROM generate_series(0, %(n)s * %(customers)s - 1) AS g WHERE g %% 10 = 0
        """,
        p,
    )
    with connection.cursor() as cursor:
        normal_mode(cursor, indexes)
        cursor.execute("VACUUM ANALYZE")
    return stores, agent


def roll_up_year(stores) -> float:
    """Seconds to roll up the last 365 closed days of ``stores`` (a quarter per call)."""
    from analytics import periods, services

    began = time.perf_counter()
    for store in stores:
        yesterday = periods.store_today(store) - timedelta(days=1)
        first = yesterday - timedelta(days=364)
        while first <= yesterday:
            last = min(first + timedelta(days=91), yesterday)
            services.store_rollup_days(store=store, first=first, last=last)
            first = last + timedelta(days=1)
    return time.perf_counter() - began


def roll_up_day(stores) -> float:
    """Seconds to roll up yesterday of every store, median of 3 (the hourly job's work per
    closed day; the job recomputes ANALYTICS_RECOMPUTE_DAYS of them)."""
    from analytics import periods, services

    timings = []
    for _ in range(3):
        began = time.perf_counter()
        for store in stores:
            yesterday = periods.store_today(store) - timedelta(days=1)
            services.store_rollup_days(store=store, first=yesterday, last=yesterday)
        timings.append(time.perf_counter() - began)
    return statistics.median(timings)


# What the report recommends on other apps' tables, to compare with and without.
RECOMMENDED_INDEXES = [
    "CREATE INDEX bench_order_store_placed ON orders_order (store_id, placed_at)",
    "CREATE INDEX bench_order_store_cancelled ON orders_order (store_id, cancelled_at) "
    "WHERE cancelled_at IS NOT NULL",
    "CREATE INDEX bench_refund_store_completed ON orders_paymenttransaction "
    "(store_id, updated_at) WHERE kind = 'refund' AND state = 'succeeded'",
    "CREATE INDEX bench_interaction_covering ON skill_interaction (store_id, created_at) "
    "INCLUDE (session_id, customer_id, request_type, intent, outcome, source)",
]


def add_recommended_indexes() -> float:
    from django.db import connection

    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SET maintenance_work_mem = '512MB'")
        for statement in RECOMMENDED_INDEXES:
            cursor.execute(statement)
        cursor.execute("VACUUM ANALYZE")
    return time.perf_counter() - began


def measure(store, agent, runs: int) -> list[tuple[int, float, int]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from analytics import periods

    client = Client()
    client.force_login(agent)
    today = periods.store_today(store)
    results = []
    for days in (30, 90, 365):
        params = {"store": store.slug, "start": today - timedelta(days=days - 1), "end": today}
        for _ in range(1):  # warm up
            assert client.get("/api/analytics/summary/", params).status_code == 200
        timings = []
        for _ in range(runs):
            began = time.perf_counter()
            response = client.get("/api/analytics/summary/", params)
            timings.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.content
        with CaptureQueriesContext(connection) as queries:
            client.get("/api/analytics/summary/", params)
        results.append((days, statistics.median(timings), len(queries)))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="1.0: 10M interactions")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if not 0 < args.scale <= 2:
        parser.error("--scale must be in (0, 2]")
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
    url = urlsplit(server)._replace(path=f"/{DATABASE}").geturl()
    admin_sql(server, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    admin_sql(server, f'CREATE DATABASE "{DATABASE}"')
    try:
        began = time.perf_counter()
        setup_django(url)
        stores, agent = seed(args.scale)
        print(f"loaded in {time.perf_counter() - began:.0f} s", flush=True)
        store = stores[0]
        year = roll_up_year([store])
        one_day = [roll_up_day(stores)]
        print(f"rollup of 365 days of {store.slug}: {year:.1f} s", flush=True)
        from analytics.models import DailyRollup

        runs = {"rollups": measure(store, agent, args.runs)}
        DailyRollup.objects.filter(store=store).delete()
        runs["raw only"] = measure(store, agent, 3)
        print(f"recommended indexes built in {add_recommended_indexes():.1f} s", flush=True)
        one_day.append(roll_up_day(stores))
        runs["raw only, indexes"] = measure(store, agent, 3)
        roll_up_year([store])
        runs["rollups, indexes"] = measure(store, agent, args.runs)
    finally:
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 (django may not be set up yet)
            pass
        if not args.keep:
            admin_sql(server, f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')

    print(
        f"\nrollup of yesterday x {STORES} stores (the hourly job's work per closed day): "
        f"{one_day[0] * 1000:.0f} ms; with the recommended indexes {one_day[1] * 1000:.0f} ms"
    )
    print(f"\nGET /api/analytics/summary/ for {store.slug} ({store.time_zone}), ranges ending")
    print("today: median server time in ms / SQL queries")
    print(f"{'range':<10}" + "".join(f"{name:>22}" for name in runs))
    for row in zip(*runs.values(), strict=True):
        cells = "".join(f"{f'{ms:.1f} / {queries}':>22}" for _, ms, queries in row)
        print(f"{row[0][0]:>4} days {cells}")
    # Without rollups the intent and rolled-up shopper reads have nothing to read.
    same = all(len({queries for _, _, queries in results}) == 1 for results in runs.values())
    print(f"\nquery count the same for every range: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
