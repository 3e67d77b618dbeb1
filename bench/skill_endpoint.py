"""Benchmark: the Alexa endpoint against a bare Django JsonResponse, same server, same run.

    .venv/bin/python bench/skill_endpoint.py [--port 18150] [--seconds 8] [--connections 8]

Creates a throwaway PostgreSQL database (``DATABASE_URL`` names the server; default
``postgres://postgres@127.0.0.1:5432/``), migrates it and seeds the No Nicks demo, then
serves the portal with gunicorn (2 sync workers, 127.0.0.1 only) and drives with wrk:

* ``bare``: GET /bare/, a plain JsonResponse view (bench-only URL conf),
* ``floor-sdk``: the signed LaunchRequest to a bench-only view that verifies it and runs it
  through ask-sdk-core (deserialize, one handler, serialize) with no database,
* ``floor-db``: the same plus one hand-written indexed read and one log INSERT,
* ``launch``: a signed LaunchRequest to POST /alexa/,
* ``order``: a signed OrderProductIntent ("two packs of refills") to POST /alexa/,
* ``help``: a signed AMAZON.HelpIntent to POST /alexa/,
* ``adapter-launch``, ``adapter-order``: the same turns served the way django-ask-sdk's
  ``SkillAdapter`` serves a skill (``/adapter/``, verification off; django-ask-sdk itself cannot
  be imported on OpenSSL 3: see the URL conf).

All of it twice: with a catalog of 10 products and a shopper with no past order, then with
10,000 products and 1,000 past orders. After each, the resident memory of each worker.

The floors are what every turn must pay before any store logic, so they bound from above
the ratio any implementation of the skill could reach in the same run.

Requests are signed with a locally generated CA (the endpoint verifies chain, SAN, signature
and timestamp on every request, the certificate cached as in production). Prints requests
per second, the ratio to bare and to ``floor-db``, and p50/p99 latency. Goal: launch and
order at >= 0.5 of ``floor-db`` in the same run, p99 < 50 ms. Stops
gunicorn and drops the database at the end, whatever happens; every step has a time limit.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-bench.pem"
USER_ID = "amzn1.ask.account.BENCHSHOPPER"
SIZES = [
    ("catalog of 10 products, shopper with 0 past orders", 10, 0),
    ("catalog of 10,000 products, shopper with 1,000 past orders", 10_000, 1_000),
]


def psql(server: str, sql: str) -> None:
    import psycopg2

    parts = urlsplit(server)
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
        connect_timeout=5,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


def run(cmd, env, timeout):
    subprocess.run(cmd, env=env, cwd=ROOT, check=True, timeout=timeout, capture_output=True)


def make_signer(tmp: Path):
    """The local CA files the server verifies with, and the signer of the bodies."""
    from cryptography.hazmat.primitives import serialization

    from skill.testing.certs import make_root, make_signer

    root = make_root("Bench Root")
    signer = make_signer(root)
    (tmp / "root.pem").write_bytes(root.cert.public_bytes(serialization.Encoding.PEM))
    (tmp / "chain.pem").write_bytes(signer.chain_pem)
    return signer


def make_body(name: str, refills_id: int) -> dict:
    """A fresh envelope (its timestamp now: Alexa's 150 s window holds for every run)."""
    from types import SimpleNamespace

    from demo.seed import DEMO_SKILL_ID
    from skill.testing.envelopes import envelope, intent, launch, product_slot

    if name == "launch":
        request = launch()
    elif name == "help":
        request = intent("AMAZON.HelpIntent")
    else:
        refills = SimpleNamespace(name="No Nicks Blade Refills", pk=refills_id)
        slots = {
            "Product": product_slot(refills, words="packs of refills"),
            "Quantity": product_slot(None, words="2", name="Quantity"),
        }
        request = intent("OrderProductIntent", slots)
    return envelope(request, skill_id=DEMO_SKILL_ID, user_id=USER_ID)


def grow(*, products: int, past_orders: int) -> None:
    """The catalog to ``products`` and the bench shopper's kept orders to ``past_orders``
    (bulk rows, as the query-budget test grows them)."""
    from decimal import Decimal

    from catalog.models import Category, Product
    from merchant.models import Store
    from orders.models import Customer, Order, OrderLine, OrderStatus

    customer = Customer.objects.get(alexa_user_id=USER_ID)
    store = Store.objects.get(pk=customer.store_id)
    category = Category.objects.filter(store=store).order_by("pk").first()
    have = Product.objects.filter(store=store).count()
    Product.objects.bulk_create(
        [
            Product(
                store=store,
                category=category,
                name=f"Bulk product {n}",
                sku=f"BULK-{have + n}",
                price=Decimal("3.00"),
                currency=store.currency,
                stock=5,
            )
            for n in range(max(0, products - have))
        ],
        batch_size=2000,
    )
    cream = Product.objects.get(store=store, sku="NN-CREAM-6")
    have = Order.objects.filter(customer=customer).count()
    orders = Order.objects.bulk_create(
        [
            Order(
                store=store,
                customer=customer,
                number=f"BENCH{have + n}",
                status=OrderStatus.DELIVERED,
                payment_mode=store.payment_mode,
                currency=store.currency,
                subtotal=Decimal("7.00"),
                total=Decimal("7.56"),
            )
            for n in range(max(0, past_orders - have))
        ],
        batch_size=500,
    )
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                store=store,
                order=order,
                product=cream,
                sku=cream.sku,
                name=cream.name,
                unit_price=Decimal("7.00"),
                quantity=1,
                line_total=Decimal("7.00"),
            )
            for order in orders
        ],
        batch_size=500,
    )
    # A real database has planner statistics (autovacuum keeps them); bulk rows have none
    # until analysed, and the shopper read would be planned for empty tables.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def worker_rss(master: int) -> list[int]:
    """Resident memory (MiB) of each gunicorn worker of ``master``."""
    out = subprocess.run(
        ["ps", "--ppid", str(master), "-o", "rss="], capture_output=True, text=True, check=False
    ).stdout
    return [int(line) // 1024 for line in out.split() if line.strip()]


LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["SignatureCertChainUrl"] = "{url}"
wrk.headers["Signature-256"] = "{signature}"
local f = io.open("{body}", "rb")
wrk.body = f:read("*a")
f:close()
"""


def wrk(url: str, *, seconds: int, connections: int, script: Path | None = None) -> dict:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "2s"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run(
        [*cmd, url], capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)

    def pct(label):
        value, unit = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {
        "rps": rps,
        "p50": pct("50"),
        "p99": pct("99"),
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=18150)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()

    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
    parts = urlsplit(server)
    database = f"bench_skill_{os.getpid()}"
    database_url = parts._replace(path=f"/{database}").geturl()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.skill_endpoint_settings",
        "SECRET_KEY": "bench-only-secret",
        "DEBUG": "false",
        "ALEXA_VERIFY_REQUESTS": "true",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "ERROR",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "CELERY_BROKER_URL": "",
    }
    psql(server, f'DROP DATABASE IF EXISTS "{database}"')
    psql(server, f'CREATE DATABASE "{database}"')
    gunicorn = None
    sized = []
    try:
        python = str(ROOT / ".venv" / "bin" / "python")
        run([python, "manage.py", "migrate", "--no-input"], env, 300)
        run([python, "manage.py", "seed_demo", "--no-history"], env, 120)
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            os.environ.update({k: env[k] for k in ("DATABASE_URL", "SECRET_KEY", "DEBUG")})
            os.environ["DJANGO_SETTINGS_MODULE"] = env["DJANGO_SETTINGS_MODULE"]
            import django

            django.setup()
            from catalog.models import Product

            refills_id = Product.objects.get(sku="NN-BLADES-8").pk
            signer = make_signer(tmp)
            env["BENCH_ROOT_PEM"], env["BENCH_CHAIN_PEM"] = (
                str(tmp / "root.pem"),
                str(tmp / "chain.pem"),
            )
            gunicorn = subprocess.Popen(
                [
                    str(ROOT / ".venv" / "bin" / "gunicorn"),
                    "config.wsgi:application",
                    "--workers",
                    "2",
                    "--bind",
                    f"127.0.0.1:{args.port}",
                    "--log-level",
                    "warning",
                    "--timeout",
                    "30",
                ],  # fmt: skip
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            base = f"http://127.0.0.1:{args.port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(f"{base}/bare/", timeout=2).read()
                    break
                except OSError:
                    if time.monotonic() > deadline or gunicorn.poll() is not None:
                        raise RuntimeError("gunicorn did not start") from None
                    time.sleep(0.2)

            def script(name: str, url: str = "/alexa/") -> Path:
                """A fresh signed body of ``name``, checked once, and its wrk script."""
                raw = json.dumps(make_body(name, refills_id)).encode()
                signature = signer.sign(raw)
                (tmp / f"{name}.json").write_bytes(raw)
                check = urllib.request.Request(
                    f"{base}{url}",
                    data=raw,
                    headers={
                        "Content-Type": "application/json",
                        "SignatureCertChainUrl": CERT_URL,
                        "Signature-256": signature,
                    },
                )
                answer = json.loads(urllib.request.urlopen(check, timeout=5).read())
                assert answer["response"].get("outputSpeech"), answer
                path = tmp / f"{name}.lua"
                path.write_text(
                    LUA.format(url=CERT_URL, signature=signature, body=tmp / f"{name}.json")
                )
                return path

            runs = {
                "bare": ("/bare/", None),
                "floor-sdk": ("/floor/sdk/", "launch"),
                "floor-db": ("/floor/db/", "launch"),
                "launch": ("/alexa/", "launch"),
                "order": ("/alexa/", "order"),
                "help": ("/alexa/", "help"),
                "adapter-launch": ("/adapter/", "launch"),
                "adapter-order": ("/adapter/", "order"),
            }
            script("launch")  # the bench shopper exists from now on
            for label, products, past_orders in SIZES:
                grow(products=products, past_orders=past_orders)
                # Warm both workers up (and past the catalog cache), then measure.
                wrk(f"{base}/bare/", seconds=1, connections=args.connections)
                wrk(f"{base}/alexa/", seconds=2, connections=args.connections,
                    script=script("launch"))  # fmt: skip
                results = {}
                for name, (url, body) in runs.items():
                    results[name] = wrk(
                        f"{base}{url}",
                        seconds=args.seconds,
                        connections=args.connections,
                        script=script(body, url) if body else None,
                    )
                sized.append((label, results, worker_rss(gunicorn.pid)))
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 (django may not be set up yet)
            pass
        psql(server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    print(f"gunicorn 2 sync workers, wrk 2 threads x {args.connections} connections, "
          f"{args.seconds}s per run, PostgreSQL, signed (/adapter/ unverified)")  # fmt: skip
    ok = True
    for label, results, rss in sized:
        bare = results["bare"]["rps"]
        floor = results["floor-db"]["rps"]
        print(f"\n{label}")
        print(
            f"{'run':<16}{'req/s':>8}{'/bare':>7}{'/floor-db':>10}{'p50 ms':>9}{'p99 ms':>9}"
            f"{'non-2xx':>9}"
        )
        for name, result in results.items():
            ratio = result["rps"] / bare if bare else 0.0
            to_floor = result["rps"] / floor if floor else 0.0
            print(
                f"{name:<16}{result['rps']:>8.0f}{ratio:>7.2f}{to_floor:>10.2f}"
                f"{result['p50']:>9.2f}{result['p99']:>9.2f}{result['errors']:>9}"
            )
            if name in ("launch", "order"):
                ok = ok and to_floor >= 0.5 and result["p99"] < 50 and result["errors"] == 0
            elif name != "bare" and result["errors"]:
                ok = False
        print("worker resident memory after the run:", ", ".join(f"{m} MiB" for m in rss))
    print("\ngoal (launch and order >= 0.5 of floor-db, p99 < 50 ms, no errors):",
          "met" if ok else "NOT met")  # fmt: skip
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
