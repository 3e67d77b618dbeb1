"""Benchmark: what a Celery broker outage costs the changes that owe after-commit tasks.

    .venv/bin/python bench/broker_outage.py [--requests 200] [--keep]

Uses its own PostgreSQL database (``BENCH_DATABASE_URL``, default
postgres://postgres@127.0.0.1:5432/voicestore_outage_bench; dropped and created again on
start, dropped at the end unless --keep; never the portal's ``DATABASE_URL``) and a queue of
its own (``bench-outbox``) on Redis (``BENCH_BROKER_URL``, default redis://127.0.0.1:6379/11),
which nothing consumes and which is emptied at the start and at the end.

It seeds, through the apps' services (bench/seeding.py), a store that authorizes at checkout
and captures on shipping, a support agent, orders to ship and voice shoppers brought to the
Amazon Pay Charge (order, yes, Setup, yes: unsigned envelopes, as the local voice console
sends them). Then, in one process, on one connection, it times on the server (Django's test
client, the view and its commit hooks included) --requests of each change:

* ``ship``: ``POST /api/orders/<id>/ship/`` as the support agent (DRF's force_authenticate:
  the API's HTTP Basic would add a password hash to every request); three outbox messages
  (the shipped email, the capture, the Alexa notification);
* ``charge``: the Charge result of a voice checkout on ``/alexa/``, a whole turn that places
  the order; one outbox message (the confirmation email);

under five broker conditions, each series starting with no recent broker failure:

1. ``eager``: no broker, the tasks run in place (``CELERY_TASK_ALWAYS_EAGER``);
2. ``floor``: the outbox row claimed and marked sent, the hand-over to the broker a no-op;
3. ``redis up``: Redis at ``BENCH_BROKER_URL``;
4. ``refusing``: a port nothing listens on (every connection refused at once);
5. ``silent``: a local TCP server that accepts connections and never answers.

For each it prints the median, p99 and maximum in ms, the ratio of the median to ``redis
up``, and how many requests tried the broker (their messages were claimed) against those
that left their messages to the sweeper because a failure less than
``OUTBOX_BROKER_PAUSE_SECONDS`` ago paused this process (their slowest, in ms). Then it
points Celery at Redis again, runs the outbox's sweeper until it sends nothing more, and
compares the queue with the outbox: one message per (task, args), none missing, none twice,
none left unsent. The last line says whether the goals are met: every change answered 2xx
(and committed) under every condition; the median of each change under an outage within 2x
of its median with Redis up; the sweep sends every message exactly once. Exit status 1 when
they are not.
"""

import argparse
import base64
import json
import os
import socket
import statistics
import sys
import time
import warnings
from collections import Counter
from contextlib import contextmanager, nullcontext
from datetime import timedelta
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

import django
import redis
from celery import current_app
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connections

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from skill_endpoint import psql  # noqa: E402  (bench/ is on the path above)

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/voicestore_outage_bench"
DEFAULT_BROKER = "redis://127.0.0.1:6379/11"
QUEUE = "bench-outbox"
WARM_UP = 5
CONDITIONS = ("eager", "floor", "redis up", "refusing", "silent")
OUTAGES = ("refusing", "silent")
PLACED = "Your order has been placed."


# Brokers -------------------------------------------------------------------------------------


def refusing_url() -> str:
    """A Redis URL on a local port nothing listens on (checked: the connection is refused)."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    with socket.socket() as check:
        if check.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(f"port {port} answers; run again")
    return f"redis://127.0.0.1:{port}/0"


def no_publish(task, args=(), kwargs=None) -> str:
    """The floor's hand-over: accepted, nothing sent."""
    return ""


@contextmanager
def condition(name: str, broker_url: str):
    """Celery as ``name`` has it; on exit no recent failure and fresh connections."""
    # The apps load after django.setup().
    from outbox import broker
    from outbox.testing import forget_connections, silent_broker

    app = current_app
    forget_connections(app)
    broker.resume()
    app.conf.task_always_eager = name == "eager"
    outage = {"silent": silent_broker, "refusing": lambda: nullcontext(refusing_url())}
    with outage.get(name, nullcontext)() as outage_url:
        # The write URL: the broker_url setting yields to CELERY_BROKER_URL in the environment.
        app.conf["broker_write_url"] = outage_url if name in OUTAGES else broker_url
        patch = mock.patch.object(broker, "publish", no_publish) if name == "floor" else None
        try:
            if patch:
                patch.start()
            yield
        finally:
            if patch:
                patch.stop()
            forget_connections(app)
            broker.resume()
    app.conf["broker_write_url"] = broker_url


# Seeding -------------------------------------------------------------------------------------


def seed(count: int):
    """A store authorizing at checkout and capturing on shipping, its support agent, ``count``
    placed orders and a voice product with unlimited stock."""
    # After django.setup(): the seeding module and the apps import models.
    import seeding
    from django.db import transaction

    from merchant.models import PaymentMode, Role

    with transaction.atomic():
        store = seeding.store(
            "bench-outage", "Outage Razors", payment_mode=PaymentMode.CHARGE_LATER
        )
        agent = seeding.staff(store, "bench-agent", Role.SUPPORT_AGENT)
        kit = seeding.product(store, name="starter kit", sku="BENCH-KIT")
    orders = seeding.place_orders(store, count)
    return store, agent, orders, kit


def shopper_id(n: int) -> str:
    return f"amzn1.ask.account.OUTAGE{n:06d}"


def at_the_charge(client, skill_id: str, kit, n: int):
    """Shopper ``n`` of ``kit`` who said yes to the order summary: the next request is the
    Charge result (returned with the shopper, unsent)."""
    # After django.setup(): the envelope builders import models.
    from skill import amazon_pay_sandbox
    from skill.testing.envelopes import Shopper, directive_of, product_slot

    shopper = Shopper(client, skill_id, user_id=shopper_id(n))
    shopper.say("OrderProductIntent", Product=product_slot(kit))
    assert (directive_of(shopper.yes()) or {}).get("name") == "Setup", shopper.last_answer
    shopper.amazon_pay()  # the summary
    assert (directive_of(shopper.yes()) or {}).get("name") == "Charge", shopper.last_answer
    return amazon_pay_sandbox.response_envelope(shopper.last_envelope, shopper.last_answer)


# Measuring -----------------------------------------------------------------------------------


def last_message_pk() -> int:
    from outbox.models import OutboxMessage  # the apps load after django.setup()

    return OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def series(requests: list) -> dict:
    """Time each request (a callable answering (ok, ms)); note the outbox messages each one
    wrote, and whether any of them was claimed (the request tried the broker)."""
    from outbox.models import OutboxMessage  # the apps load after django.setup()

    ms, ok, bounds = [], [], []
    for request in requests:
        before = last_message_pk()
        good, took = request()
        ms.append(took)
        ok.append(good)
        bounds.append((before, last_message_pk()))
    rows = OutboxMessage.objects.filter(pk__gt=bounds[0][0], pk__lte=bounds[-1][1])
    claimed = {pk for pk, attempts in rows.values_list("pk", "attempts") if attempts}
    tried = [any(low < pk <= high for pk in claimed) for low, high in bounds]
    return {
        "ms": ms,
        "ok": all(ok),
        "messages": bounds[-1][1] - bounds[0][0],
        "sent": rows.exclude(sent_at=None).count(),
        "tried": [t for t, was in zip(ms, tried, strict=True) if was],
        "paused": [t for t, was in zip(ms, tried, strict=True) if not was],
    }


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * 0.99) - 1)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="keep the database at the end")
    args = parser.parse_args()
    n = args.requests
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    broker_url = os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER)
    database = urlsplit(url).path.lstrip("/")
    portal = os.environ.get("DATABASE_URL", "")
    if not database or (portal and urlsplit(portal).path.lstrip("/") == database):
        raise SystemExit(f"BENCH_DATABASE_URL must name a database of its own, not {database!r}")

    os.environ.update(
        {
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": broker_url,
            "CELERY_TASK_ALWAYS_EAGER": "true",  # seeding: the tasks run in place
            "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
            "ALEXA_VERIFY_REQUESTS": "false",
            "ALEXA_API_HOSTS": "",  # no call leaves the machine: Alexa's APIs "not available"
            "ALLOWED_HOSTS": "testserver",
            "DEBUG": "false",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only"),
            "FIELD_ENCRYPTION_KEY": os.environ.get(
                "FIELD_ENCRYPTION_KEY", Fernet.generate_key().decode()
            ),
            "LOG_LEVEL": "ERROR",  # each refused hand-over logs a warning
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    psql(url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    psql(url, f'CREATE DATABASE "{database}"')
    # WhiteNoise warns once that the static files were never collected: the bench serves none.
    warnings.filterwarnings("ignore", message="No directory at")
    queue = redis.Redis.from_url(broker_url)
    try:
        queue.delete(QUEUE)
        django.setup()

        call_command("migrate", verbosity=0)
        ok = run(n, broker_url, queue)
        connections.close_all()
    finally:
        for key in queue.scan_iter(f"*{QUEUE}*"):
            queue.delete(key)
        if not args.keep:
            psql(url, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    return 0 if ok else 1


def run(n: int, broker_url: str, queue) -> bool:
    # After django.setup(): the test client and DRF's read the settings, the apps import models.
    from django.conf import settings
    from django.test import Client
    from django.utils import timezone
    from rest_framework.test import APIClient

    from orders.models import Order, OrderStatus
    from outbox import broker
    from outbox.models import OutboxMessage
    from outbox.services import outbox_messages_sweep
    from skill.speech import en_US

    per_series = n * len(CONDITIONS) + WARM_UP
    started = time.perf_counter()
    store, agent, orders, kit = seed(per_series)
    skill_id = store.skill_ids.first().skill_id
    voice = Client()
    charges = [at_the_charge(voice, skill_id, kit, i) for i in range(per_series)]
    print(
        f"seeded {per_series} orders and {per_series} shoppers at the Charge "
        f"in {time.perf_counter() - started:.0f} s"
    )
    api = APIClient()
    api.force_authenticate(agent)

    def ship(order):
        def request():
            begin = time.perf_counter()
            answer = api.post(
                f"/api/orders/{order.pk}/ship/",
                {"carrier": "UPS", "tracking_number": f"1Z{order.pk:08d}"},
                format="json",
            )
            took = (time.perf_counter() - begin) * 1000
            return 200 <= answer.status_code < 300, took

        return request

    def charge(envelope):
        def request():
            body = json.dumps(envelope)
            begin = time.perf_counter()
            answer = voice.post("/alexa/", body, content_type="application/json")
            took = (time.perf_counter() - begin) * 1000
            if not 200 <= answer.status_code < 300:
                return False, took
            speech = json.dumps(answer.json())
            return PLACED in speech and en_US.APOLOGY not in speech, took

        return request

    with condition("eager", broker_url):  # warm up: templates, caches, prepared statements
        series([ship(o) for o in orders[:WARM_UP]])
        series([charge(e) for e in charges[:WARM_UP]])
    results, watermark = {}, None
    for index, name in enumerate(CONDITIONS):
        if name == "redis up":
            watermark = last_message_pk()  # from here on every message goes to the queue
        batch = slice(WARM_UP + index * n, WARM_UP + (index + 1) * n)
        with condition(name, broker_url):
            shipped = series([ship(o) for o in orders[batch]])
        with condition(name, broker_url):
            charged = series([charge(e) for e in charges[batch]])
        shipped["ok"] &= Order.objects.filter(
            pk__in=[o.pk for o in orders[batch]], status=OrderStatus.SHIPPED
        ).count() == len(orders[batch])
        charged["ok"] &= Order.objects.filter(
            customer__alexa_user_id__in=[shopper_id(i) for i in range(per_series)[batch]]
        ).count() == len(orders[batch])
        results[name] = {"ship": shipped, "charge": charged}

    # The broker is back: the sweeper hands over what the outages left.
    forget_connections_and_resume(broker, broker_url)
    later = timezone.now() + timedelta(seconds=settings.OUTBOX_SWEEP_GRACE_SECONDS + 60)
    begin, swept, runs = time.perf_counter(), 0, 0
    while True:
        sent = outbox_messages_sweep(now=later)
        runs += 1
        swept += sent
        if not sent:
            break
    sweep_s = time.perf_counter() - begin
    unsent = OutboxMessage.objects.filter(sent_at=None).count()
    expected = Counter(
        (task, json.dumps(task_args))
        for task, task_args in OutboxMessage.objects.filter(pk__gt=watermark).values_list(
            "task", "args"
        )
    )
    queued = Counter(queued_tasks(queue))
    twice = sum(c - 1 for c in queued.values() if c > 1)
    missing = sum((expected - queued).values())
    extra = sum((queued - expected).values())
    left = sum(r[c]["messages"] - r[c]["sent"] for r in results.values() for c in r)
    left_outages = sum(results[o][c]["messages"] for o in OUTAGES for c in ("ship", "charge"))

    report(results, n)
    print(
        f"sweep, Redis back: {swept} messages sent in {runs} runs, {sweep_s:.2f} s "
        f"(left at the commit: {left}, of them by the outages: {left_outages}); "
        f"queue: {sum(queued.values())} messages for {len(expected)} outbox rows since "
        f"'redis up'; unsent: {unsent}, missing: {missing}, twice: {twice}, unknown: {extra}"
    )
    failures = []
    for name, changes in results.items():
        for change, r in changes.items():
            if not r["ok"]:
                failures.append(f"{change} under {name} not all 2xx/committed")
    for name in OUTAGES:
        for change in ("ship", "charge"):
            ratio = statistics.median(results[name][change]["ms"]) / statistics.median(
                results["redis up"][change]["ms"]
            )
            if ratio > 2:
                failures.append(f"{change} median under {name} {ratio:.2f}x redis up")
    if unsent or missing or twice or extra or swept != left:
        failures.append("the sweep did not send every message exactly once")
    if failures:
        print("goals NOT met: " + "; ".join(failures))
    else:
        print(
            "goals met: every change answered 2xx under every condition; outage medians "
            "within 2x of Redis up; the sweep sent every message exactly once"
        )
    return not failures


def forget_connections_and_resume(broker, broker_url: str) -> None:
    from outbox.testing import forget_connections  # the apps load after django.setup()

    forget_connections(current_app)
    current_app.conf.task_always_eager = False
    current_app.conf["broker_write_url"] = broker_url
    broker.resume()


def queued_tasks(queue) -> list[tuple[str, str]]:
    """(task, JSON of its args) of every message waiting in the bench's queue (Celery's
    message protocol 2: the body is [args, kwargs, embed], base64 in kombu's Redis list)."""
    found = []
    for raw in queue.lrange(QUEUE, 0, -1):
        message = json.loads(raw)
        body = message["body"]
        if message["properties"].get("body_encoding") == "base64":
            body = base64.b64decode(body)
        task_args = json.loads(body)[0]
        found.append((message["headers"]["task"], json.dumps(task_args)))
    return found


def report(results: dict, n: int) -> None:
    from django.conf import settings  # read after django.setup()

    print(
        f"\nPostgreSQL, one process, {n} requests a series; server time in ms; a publish "
        f"bounded by {settings.CELERY_BROKER_CONNECTION_TIMEOUT:g} s, a failure pausing "
        f"publishing for {settings.OUTBOX_BROKER_PAUSE_SECONDS:g} s"
    )
    print(f"{'':<45}{'messages':>12}{'tried broker':>16}{'paused':>14}")
    print(
        f"{'condition':<10}{'change':<8}{'median':>7}{'p99':>7}{'max':>6}{'/redis':>7}"
        f"{'made':>6}{'sent':>6}{'reqs':>8}{'median':>8}{'reqs':>7}{'max':>7}{'s':>6}{'2xx':>5}"
    )
    for name, changes in results.items():
        for change, r in changes.items():
            median = statistics.median(r["ms"])
            up = statistics.median(results["redis up"][change]["ms"])
            tried = f"{statistics.median(r['tried']):.0f}" if r["tried"] else "-"
            paused = f"{max(r['paused']):.0f}" if r["paused"] else "-"
            print(
                f"{name:<10}{change:<8}{median:>7.1f}{p99(r['ms']):>7.1f}{max(r['ms']):>6.0f}"
                f"{median / up:>7.2f}{r['messages']:>6}{r['sent']:>6}{len(r['tried']):>8}"
                f"{tried:>8}{len(r['paused']):>7}{paused:>7}{sum(r['ms']) / 1000:>6.1f}"
                f"{'yes' if r['ok'] else 'NO':>5}"
            )
    print(
        "made/sent: outbox messages written / handed over at the commit; tried broker: "
        "requests whose messages were claimed for the broker (their median ms); paused: "
        "requests after a failure, their messages left to the sweeper (their max ms); "
        "s: the series' server time\n"
    )


if __name__ == "__main__":
    sys.exit(main())
