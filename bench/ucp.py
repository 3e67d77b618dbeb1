"""Benchmark: UCP checkout create, update and complete over REST and MCP, 8 agents at once.

    .venv/bin/python bench/ucp.py [--products 10000] [--small 10] [--rounds 25] [--agents 8]

Creates a throwaway PostgreSQL database (``DATABASE_URL`` names the server; default
``postgres://postgres@127.0.0.1:5432/``), migrates it, seeds the conformance store
(``ucp_conformance_fixtures``), registers a platform client (its client-credentials token
for MCP) and serves a platform profile on loopback (a test deployment: the simulation
secret allows it and the mock payment handler). Serves the portal with gunicorn (4 sync
workers, 127.0.0.1 only). Order webhooks and e-mails are queued to Redis
(``CELERY_BROKER_URL``, default db 1), not run in the request, and purged at the end.

At --small products, then at --products, --agents processes (the agents) each run --rounds
checkouts: ``create`` (POST /checkout-sessions), ``update`` (PUT, choosing the shipping
option), ``complete`` (POST .../complete, mock payment, an Idempotency-Key): first over REST,
then the same bodies as MCP ``tools/call`` (create_checkout, update_checkout,
complete_checkout) to /ucp/<slug>/mcp. The floor, measured in the same run under the same
load: GET of the store's profile (no negotiation, no writes). Prints p50/p99 per operation
in milliseconds, the ratio of each MCP operation to the same REST operation (p50), and the
SQL queries of one call (Django's test client in this process), and the CPU each call cost
the server (gunicorn's processes) and PostgreSQL under the load, with the least mean time of
a call that this CPU allows the agents on this machine's cores (Little's law). Goals: p99 <
100 ms for each operation, the same queries at both sizes, MCP at most 1.5x REST. Stops
gunicorn and drops the database at the end, whatever happens.
"""

import argparse
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from skill_endpoint import psql  # noqa: E402  (bench/ is the script's directory)

SLUG = "flowers"
SECRET = "bench-simulation-secret"
OPERATIONS = ["create", "update", "complete"]
TOOL = {"create": "create_checkout", "update": "update_checkout", "complete": "complete_checkout"}


def destination() -> dict[str, Any]:
    return {
        "id": "home",
        "street_address": "1 Elm St",
        "address_locality": "Springfield",
        "address_region": "IL",
        "postal_code": "62704",
        "address_country": "US",
    }


def checkout_body(sku: str, *, option: bool) -> dict[str, Any]:
    method: dict[str, Any] = {
        "type": "shipping",
        "destinations": [destination()],
        "selected_destination_id": "home",
    }
    if option:
        method["groups"] = [{"id": "package_1", "selected_option_id": "std-ship"}]
    return {
        "line_items": [{"item": {"id": sku}, "quantity": 1}],
        "buyer": {"email": "agent@example.com", "first_name": "Ada"},
        "fulfillment": {"methods": [method]},
    }


PAYMENT = {
    "payment": {
        "instruments": [
            {
                "id": "instr_1",
                "handler_id": "mock_payment_handler",
                "type": "card",
                "credential": {"type": "token", "token": "success_token"},
            }
        ]
    }
}


class Agent:
    """One platform agent: its requests (REST or MCP) for one checkout, step by step."""

    def __init__(self, base: str, profile: str, token: str, sku: str):
        self.base, self.profile, self.token, self.sku = base, profile, token, sku

    def _post(self, method: str, path: str, body: dict, headers: dict) -> dict:
        request = urllib.request.Request(
            self.base + path,
            data=json.dumps(body).encode(),
            method=method,
            headers={"Content-Type": "application/json", **headers},
        )
        with urllib.request.urlopen(request, timeout=30) as answer:
            assert answer.status in (200, 201), answer.status
            return dict(json.loads(answer.read()))

    def rest(self, step: str, checkout_id: str) -> dict:
        agent = {"UCP-Agent": f'profile="{self.profile}"'}
        root = f"/ucp/{SLUG}/checkout-sessions"
        if step == "create":
            return self._post("POST", root, checkout_body(self.sku, option=False), agent)
        if step == "update":
            body = checkout_body(self.sku, option=True)
            return self._post("PUT", f"{root}/{checkout_id}", body, agent)
        key = {"Idempotency-Key": uuid.uuid4().hex}
        return self._post("POST", f"{root}/{checkout_id}/complete", PAYMENT, {**agent, **key})

    def mcp(self, step: str, checkout_id: str) -> dict:
        meta: dict[str, Any] = {"ucp-agent": {"profile": self.profile}}
        arguments: dict[str, Any] = {"meta": meta}
        if step == "create":
            arguments["checkout"] = checkout_body(self.sku, option=False)
        elif step == "update":
            arguments.update(id=checkout_id, checkout=checkout_body(self.sku, option=True))
        else:
            meta["idempotency-key"] = uuid.uuid4().hex
            arguments.update(id=checkout_id, checkout=PAYMENT)
        envelope = {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "tools/call",
            "params": {"name": TOOL[step], "arguments": arguments},
        }
        headers = {
            "Authorization": f"Bearer {self.token}",
            "Accept": "application/json, text/event-stream",
        }
        answer = self._post("POST", f"/ucp/{SLUG}/mcp", envelope, headers)
        result = answer["result"]
        assert not result.get("isError"), result
        return dict(result["structuredContent"])


def serve_platform() -> ThreadingHTTPServer:
    """The agents' platform: its UCP profile on loopback (checkout with its extensions and
    the order capability, whose webhook answers 200 to anything)."""
    from ucp.protocol import VERSION

    names = [
        "dev.ucp.shopping.checkout",
        "dev.ucp.shopping.fulfillment",
        "dev.ucp.shopping.discount",
        "dev.ucp.shopping.buyer_consent",
        "dev.ucp.shopping.order",
    ]

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self, body: bytes) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802  (http.server's name)
            port = self.server.server_address[1]
            webhook = {"webhook_url": f"http://127.0.0.1:{port}/webhook"}
            capabilities = {
                name: [{"version": VERSION, **({"config": webhook} if "order" in name else {})}]
                for name in names
            }
            profile = {
                "ucp": {
                    "version": VERSION,
                    "services": {},
                    "payment_handlers": {},
                    "capabilities": capabilities,
                }
            }
            self._answer(json.dumps(profile).encode())

        def do_POST(self) -> None:  # noqa: N802
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self._answer(b"{}")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _agent_run(agent: Agent, rounds: int, start: Any) -> dict[tuple[str, str], list[float]]:
    """One agent's checkouts, REST and MCP in turn: the milliseconds of each step."""
    timings: dict[tuple[str, str], list[float]] = {
        (transport, step): [] for transport in ("rest", "mcp") for step in OPERATIONS
    }
    start.wait()
    for turn in range(rounds * 2):
        transport = ("rest", "mcp")[turn % 2]
        checkout_id = ""
        for step in OPERATIONS:
            began = time.perf_counter()
            body = getattr(agent, transport)(step, checkout_id)
            elapsed = (time.perf_counter() - began) * 1000
            checkout_id = body["id"]
            if step == "complete":
                assert body["status"] == "completed", body.get("messages")
            timings[(transport, step)].append(elapsed)
    return timings


def _at_once(work: Any, jobs: list[tuple[Any, ...]]) -> list[Any]:
    """Run ``work(*job, start)`` for every job, each in its own process (as agents are their
    own machines: one Python process would make the agents queue for its one interpreter
    lock and measure the client), all starting together; their results in order."""
    from django.db import connections

    connections.close_all()  # the children never touch the bench's database
    context = multiprocessing.get_context("fork")
    with context.Manager() as manager, context.Pool(len(jobs)) as pool:
        start = manager.Barrier(len(jobs))
        pending = [pool.apply_async(work, (*job, start)) for job in jobs]
        return [result.get(timeout=600) for result in pending]


def drive(agents: list[Agent], rounds: int) -> dict[tuple[str, str], list[float]]:
    """Every agent runs ``rounds`` checkouts over each transport at once, REST and MCP in
    turn (so both meet the same load); the milliseconds of each step."""
    timings: dict[tuple[str, str], list[float]] = {
        (transport, step): [] for transport in ("rest", "mcp") for step in OPERATIONS
    }
    for result in _at_once(_agent_run, [(agent, rounds) for agent in agents]):
        for key, values in result.items():
            timings[key] += values
    return timings


def _profile_reads(base: str, rounds: int, start: Any) -> list[float]:
    start.wait()
    timings = []
    for _ in range(rounds * 3):
        began = time.perf_counter()
        with urllib.request.urlopen(f"{base}/ucp/{SLUG}/.well-known/ucp", timeout=30) as answer:
            answer.read()
        timings.append((time.perf_counter() - began) * 1000)
    return timings


def floor(base: str, agents: int, rounds: int) -> list[float]:
    return [t for r in _at_once(_profile_reads, [(base, rounds)] * agents) for t in r]


def queries(
    profile: str, token: str, sku: str, runs: int
) -> tuple[dict[tuple[str, str], int], dict[tuple[str, str], float]]:
    """The SQL queries of one call of each operation, through Django's test client in this
    process, and the median milliseconds of ``runs`` calls one at a time (no other load of
    this benchmark: the server's own cost of each transport)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    class Counted(Agent):
        def _post(self, method: str, path: str, body: dict, headers: dict) -> dict:
            client = Client()
            with CaptureQueriesContext(connection) as captured:
                answer = client.generic(
                    method,
                    path,
                    json.dumps(body),
                    content_type="application/json",
                    headers=headers,
                )
            assert answer.status_code in (200, 201), answer.content[:300]
            self.counted = len(captured)
            return dict(json.loads(answer.content))

    agent = Counted("", profile, token, sku)
    counts: dict[tuple[str, str], int] = {}
    serial: dict[tuple[str, str], list[float]] = {}
    for turn in range(2 * (runs + 1)):  # the first of each: the profile gets cached
        transport = ("rest", "mcp")[turn % 2]
        checkout_id = ""
        for step in OPERATIONS:
            began = time.perf_counter()
            body = getattr(agent, transport)(step, checkout_id)
            elapsed = (time.perf_counter() - began) * 1000
            checkout_id = body["id"]
            counts[(transport, step)] = agent.counted
            if turn >= 2:
                serial.setdefault((transport, step), []).append(elapsed)
    return counts, {key: statistics.median(values) for key, values in serial.items()}


def fill(store: Any, start: int, stop: int) -> None:
    from catalog.models import Category, Product

    category = Category.objects.filter(store=store).first()
    Product.objects.bulk_create(
        Product(
            store=store,
            category=category,
            name=f"Bench product {n:05d}",
            sku=f"BENCH-{n}",
            spoken_description="a bench product",
            card_description="A bench product.",
            price=Decimal("12.00") + n % 5,
            currency=store.currency,
            stock=None,
        )
        for n in range(start, stop)
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE catalog_product")


def cpu_seconds(server_group: int) -> dict[str, float]:
    """CPU seconds (user + system) used so far by the server's processes (gunicorn's
    process group) and by PostgreSQL's (every backend on this machine)."""
    tick = os.sysconf("SC_CLK_TCK")
    used = {"server": 0.0, "postgres": 0.0}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            command = (entry / "cmdline").read_bytes()
        except OSError:
            continue  # gone meanwhile
        seconds = (int(fields[11]) + int(fields[12])) / tick
        if int(fields[2]) == server_group:
            used["server"] += seconds
        elif command.startswith(b"postgres"):
            used["postgres"] += seconds
    return used


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


def main() -> int:  # noqa: C901  (one run, start to end)
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=25)
    parser.add_argument("--agents", type=int, default=8)
    parser.add_argument("--port", type=int, default=18190)
    args = parser.parse_args()

    from cryptography.fernet import Fernet

    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
    database = f"bench_ucp_{os.getpid()}"
    database_url = urlsplit(server)._replace(path=f"/{database}").geturl()
    env = {
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "bench-only-secret",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "LOG_LEVEL": "ERROR",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "CELERY_BROKER_URL": os.environ.get("CELERY_BROKER_URL", "redis://127.0.0.1:6379/1"),
        "SECURE_SSL_REDIRECT": "false",
        "UCP_SIMULATION_SECRET": SECRET,
        "FIELD_ENCRYPTION_KEY": os.environ.get(
            "FIELD_ENCRYPTION_KEY", Fernet.generate_key().decode()
        ),
    }
    os.environ.update(env)
    psql(server, f'DROP DATABASE IF EXISTS "{database}"')
    psql(server, f'CREATE DATABASE "{database}"')
    gunicorn = None
    platform: ThreadingHTTPServer | None = None
    sizes: dict[int, dict[str, Any]] = {}
    try:
        import django

        django.setup()
        from django.core.management import call_command
        from django.test.utils import setup_test_environment

        setup_test_environment()
        call_command("migrate", verbosity=0)
        call_command(
            "ucp_conformance_fixtures", store=SLUG, out="/tmp", create_store=True, verbosity=0
        )
        from datetime import timedelta

        from django.utils import timezone
        from oauth2_provider.models import AccessToken

        from linking.services import platform_client_register
        from merchant.models import Store

        store = Store.objects.get(slug=SLUG)
        client, _secret = platform_client_register(store=store, name="Bench agent")
        token = AccessToken.objects.create(
            application=client.application,
            token=uuid.uuid4().hex,
            expires=timezone.now() + timedelta(hours=2),
            scope="catalog",
        ).token
        platform = serve_platform()
        profile_url = f"http://127.0.0.1:{platform.server_address[1]}/profile.json"
        gunicorn = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "config.wsgi:application",
                "--workers",
                "4",
                "--bind",
                f"127.0.0.1:{args.port}",
                "--log-level",
                "warning",
                "--timeout",
                "60",
            ],  # fmt: skip
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{args.port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/ucp/{SLUG}/.well-known/ucp", timeout=2).read()
                break
            except OSError:
                if time.monotonic() > deadline or gunicorn.poll() is not None:
                    gunicorn.kill()
                    error = gunicorn.stderr.read().decode()[-2000:] if gunicorn.stderr else ""
                    raise RuntimeError(f"gunicorn did not start: {error}") from None
                time.sleep(0.3)
        filled = 0
        for size in (args.small, args.products):
            fill(store, filled, size)
            filled = size
            agents = [
                Agent(base, profile_url, token, f"BENCH-{n % args.small}")
                for n in range(args.agents)
            ]
            drive(agents, 2)  # warm-up: every worker has fetched the profile
            before, began = cpu_seconds(gunicorn.pid), time.perf_counter()
            timings = drive(agents, args.rounds)
            wall, after = time.perf_counter() - began, cpu_seconds(gunicorn.pid)
            result: dict[str, Any] = {
                "timings": timings,
                "floor": floor(base, args.agents, args.rounds),
                "calls": sum(len(values) for values in timings.values()),
                "wall": wall,
                "cpu": {name: after[name] - before[name] for name in after},
            }
            result["queries"], result["serial"] = queries(
                profile_url, token, "BENCH-0", args.rounds
            )
            sizes[size] = result
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)
        if platform is not None:
            platform.shutdown()
        try:  # the webhooks and e-mails the checkouts queued: nobody will run them
            from config.celery import app

            app.control.purge()
        except Exception as exc:  # the figures matter more than the queue
            print(f"could not empty the task queue: {exc}", file=sys.stderr)
        from django.db import connections

        connections.close_all()
        psql(server, f'DROP DATABASE IF EXISTS "{database}"')

    ok = True
    print(
        f"gunicorn 4 sync workers, {args.agents} agents at once, {args.rounds} checkouts each "
        "per transport (REST and MCP in turn); milliseconds. serial: one call at a time, "
        "Django's test client in the bench process"
    )
    print(
        f"{'products':>9} {'transport':<10}{'operation':<10}{'p50':>7}{'p99':>7}"
        f"{'/floor':>8}{'MCP/REST':>9}{'serial':>8}{'MCP/REST':>9}{'queries':>8}"
    )
    for size, result in sizes.items():
        floor_p50 = statistics.median(result["floor"])
        print(
            f"{size:>9} {'floor':<10}{'profile':<10}{floor_p50:>7.1f}"
            f"{pct(result['floor'], 99):>7.1f}{1:>8.2f}"
        )
        for transport in ("rest", "mcp"):
            for step in OPERATIONS:
                values = result["timings"][(transport, step)]
                p50, p99 = statistics.median(values), pct(values, 99)
                ratio = p50 / statistics.median(result["timings"][("rest", step)])
                serial = result["serial"][(transport, step)]
                serial_ratio = serial / result["serial"][("rest", step)]
                count = result["queries"][(transport, step)]
                print(
                    f"{size:>9} {transport:<10}{step:<10}{p50:>7.1f}{p99:>7.1f}"
                    f"{p50 / floor_p50:>8.2f}{ratio:>9.2f}{serial:>8.1f}{serial_ratio:>9.2f}"
                    f"{count:>8}"
                )
                ok = ok and p99 < 100 and (transport == "rest" or ratio <= 1.5)
    cores = os.cpu_count() or 1
    for size, result in sizes.items():
        per_call = {name: used / result["calls"] * 1000 for name, used in result["cpu"].items()}
        busy = sum(result["cpu"].values()) / (cores * result["wall"])
        # Little's law: with every agent always waiting on a call, the mean time of a call is
        # at least agents x (CPU per call) / cores, however the work is scheduled.
        bound = args.agents * sum(per_call.values()) / cores
        print(
            f"{size:>9} CPU per call (REST and MCP, every operation): server "
            f"{per_call['server']:.1f} ms, PostgreSQL {per_call['postgres']:.1f} ms; "
            f"{result['calls'] / result['wall']:.0f} calls/s, the {cores} cores {busy:.0%} busy "
            f"with them; {args.agents} agents on {cores} cores: mean call >= {bound:.0f} ms"
        )
    small, large = sizes[args.small]["queries"], sizes[args.products]["queries"]
    same = small == large
    print(f"queries the same at {args.small} and {args.products} products: {same}")
    ok = ok and same
    print("goals met" if ok else "GOALS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
