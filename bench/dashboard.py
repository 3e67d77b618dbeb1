"""Benchmark: the owner's dashboard on the demo's 90 days of history, then on 100 times that.

    .venv/bin/python bench/dashboard.py [--runs 15] [--factor 100] [--queries] [--keep]
        [--database dashboard_bench]

Creates a throwaway PostgreSQL database (``dashboard_bench``, or --database: one name per
concurrent run, on the server ``DATABASE_URL`` names; default
postgres://postgres@127.0.0.1:5432/), migrates it, seeds the No Nicks demo store and its 90
days of history the way ``make run`` does (real sessions through the skill's runtime,
rolled up day by day), and renders ``/dashboard/<store>/`` through Django's
test client as the store's owner for the today, 7, 30 and 90-day ranges: the median server
time over --runs requests and the SQL query count. Then every interaction and order is
copied --factor - 1 more times (new session ids and order numbers, the same moments), the
closed days are rolled up again and the ranges are measured again.

Each median is also given as a ratio of the baseline measured in the same run, on the same
machine and data: the dashboard's store chooser (``/dashboard/``: the login, the header and
the owner's stores, no figure), so a busy machine moves both. --queries prints the SQL of
the 90-day page. Goal: at most 25 queries and a median under 300 ms at both sizes.
The database is dropped at the end (--keep keeps it).
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATABASE = "dashboard_bench"
RANGES = ["today", "7", "30", "90"]
GOAL_QUERIES, GOAL_MS = 25, 300.0


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
    os.environ["STAFF_REQUIRE_2FA"] = "false"  # the owner's page, not the enrolment redirect
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's host
    call_command("migrate", verbosity=0)


def seed():
    """The demo store with 90 days of history, rolled up; returns (store, owner)."""
    from django.contrib.auth import get_user_model

    from demo.history import DAYS, seed_history
    from demo.seed import roll_up_history, seed_demo_store

    store = seed_demo_store().store
    began = time.perf_counter()
    seed_history(store, days=DAYS)
    roll_up_history(store, days=DAYS)
    print(f"seeded {DAYS} days of history in {time.perf_counter() - began:.0f} s", flush=True)
    return store, get_user_model().objects.get(username="owner")


def _copy(table: str, store_id: int, factor: int, changed: dict[str, str]) -> int:
    """Copy the store's rows of ``table`` factor - 1 times (``g`` numbers the copy), with the
    ``changed`` columns computed (the others as they are); returns the rows added."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s "
            "AND column_name <> 'id' ORDER BY ordinal_position",
            [table],
        )
        columns = [row[0] for row in cursor.fetchall()]
        values = [changed.get(c, f't."{c}"') for c in columns]
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(f'{chr(34)}{c}{chr(34)}' for c in columns)}) "
            f"SELECT {', '.join(values)} FROM {table} t, generate_series(2, %s) AS g "
            "WHERE t.store_id = %s",
            [factor, store_id],
        )
        added = cursor.rowcount
        cursor.execute(f"ANALYZE {table}")
    return added


def multiply(store, factor: int) -> None:
    from demo.history import DAYS
    from demo.seed import roll_up_history

    began = time.perf_counter()
    interactions = _copy(
        "skill_interaction",
        store.pk,
        factor,
        {"session_id": "CASE WHEN t.session_id = '' THEN '' ELSE t.session_id || '-' || g END"},
    )
    orders = _copy("orders_order", store.pk, factor, {"number": "t.number || '-' || g"})
    roll_up_history(store, days=DAYS)
    print(
        f"copied x{factor}: {interactions:,} interactions and {orders:,} orders more, rolled up "
        f"again in {time.perf_counter() - began:.0f} s",
        flush=True,
    )


def median_ms(client, url: str, params: dict, runs: int) -> tuple[float, int, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    expected = 302 if url == "/dashboard/" else 200  # the chooser sends one store on
    for _ in range(2):  # warm up
        assert client.get(url, params).status_code == expected
    timings = []
    for _ in range(runs):
        began = time.perf_counter()
        response = client.get(url, params)
        timings.append((time.perf_counter() - began) * 1000)
        assert response.status_code == expected, response.status_code
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    return statistics.median(timings), len(queries), [q["sql"] for q in queries]


def measure(store, owner, runs: int, show_queries: bool) -> dict:
    from django.test import Client

    client = Client()
    client.force_login(owner)
    baseline, baseline_queries, _ = median_ms(client, "/dashboard/", {}, runs)
    rows = {"baseline": (baseline, baseline_queries)}
    for key in RANGES:
        ms, count, sqls = median_ms(client, f"/dashboard/{store.slug}/", {"range": key}, runs)
        rows[key] = (ms, count)
        if show_queries and key == "90":
            for sql in sqls:
                print("  ", sql[:300])
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--queries", action="store_true", help="print the 90-day page's SQL")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument(
        "--reuse", action="store_true", help="use the database a --keep run left (seeded once)"
    )
    parser.add_argument("--only-small", action="store_true", help="measure the 90 days only")
    parser.add_argument(
        "--database", default=DATABASE, help="the throwaway database's name (one per runner)"
    )
    args = parser.parse_args()
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    parts = urlsplit(server)
    database = args.database
    url = urlunsplit(parts._replace(path=f"/{database}"))
    if not args.reuse:
        admin_sql(server, f"DROP DATABASE IF EXISTS {database}")
        admin_sql(server, f"CREATE DATABASE {database}")
    try:
        setup_django(url)
        store, owner = seed()
        report = {"90 days of history": measure(store, owner, args.runs, args.queries)}
        if not args.only_small:
            multiply(store, args.factor)
            report[f"x{args.factor}"] = measure(store, owner, args.runs, args.queries)
    finally:
        if not args.keep:
            from django.db import connections

            connections.close_all()
            admin_sql(server, f"DROP DATABASE IF EXISTS {database}")
    print()
    print(f"{'range':<10}" + "".join(f"{name:>36}" for name in report))
    print(f"{'':<10}" + "".join(f"{'median ms / x baseline / queries':>36}" for _ in report))
    for key in ["baseline", *RANGES]:
        cells = ""
        for rows in report.values():
            ms, count = rows[key]
            ratio = ms / rows["baseline"][0]
            cells += f"{f'{ms:.0f} / {ratio:.1f} / {count}':>36}"
        print(f"{key:<10}{cells}")
    pages = [rows[key] for rows in report.values() for key in RANGES]
    worst_ms = max(ms for ms, _ in pages)
    most = max(count for _, count in pages)
    met = worst_ms < GOAL_MS and most <= GOAL_QUERIES
    print()
    print(f"worst median {worst_ms:.0f} ms (goal < {GOAL_MS:.0f}), most queries {most} "
          f"(goal <= {GOAL_QUERIES}): {'met' if met else 'MISSED'}")  # fmt: skip
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
