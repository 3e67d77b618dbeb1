"""Benchmark: 10,000 order webhooks delivered by 2 Celery worker processes to a local receiver.

    .venv/bin/python bench/webhooks.py [--events 10000] [--workers 2]

Uses its own PostgreSQL database (``BENCH_DATABASE_URL``, default
postgres://postgres@127.0.0.1:5432/voicestore_webhooks_bench; created if missing, emptied
of webhook rows on start) and Redis (``BENCH_BROKER_URL``, default
redis://127.0.0.1:6379/12) with a queue of its own. It places 20 orders, registers one
endpoint for them, starts ``celery -A config worker -c <workers>`` and a local receiver
that verifies every request with the ``standardwebhooks`` library, then commits
--events ``order.placed`` events one transaction each, through the orders app's webhook
writer (payload: the API's order detail, built per event). It prints deliveries per
second (events / time from the first commit to the last delivery) and the lag from each
event's commit to its arrival at the receiver (median, p99).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/voicestore_webhooks_bench"
DEFAULT_BROKER = "redis://127.0.0.1:6379/12"
QUEUE = "bench-webhooks"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL)
    broker = os.environ.get("BENCH_BROKER_URL", DEFAULT_BROKER)

    from back_office import ensure_database
    from cryptography.fernet import Fernet

    ensure_database(url)
    os.environ.update(
        {
            "DATABASE_URL": url,
            "CELERY_BROKER_URL": broker,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "CELERY_TASK_DEFAULT_QUEUE": QUEUE,
            "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES": "true",
            "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only"),
            # The endpoint's secret is stored encrypted; the worker reads it with this key.
            "FIELD_ENCRYPTION_KEY": os.environ.get(
                "FIELD_ENCRYPTION_KEY", Fernet.generate_key().decode()
            ),
            "LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "config.settings",
        }
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    call_command("migrate", verbosity=0)
    import seeding

    from config.celery import app
    from orders import events
    from webhooks.models import WebhookDelivery, WebhookEvent, WebhookEventType
    from webhooks.services import webhook_endpoint_create
    from webhooks.testing.receiver import Receiver

    with connection.cursor() as cur:
        cur.execute(
            "TRUNCATE webhooks_webhookattempt, webhooks_webhookdelivery, webhooks_webhookevent, "
            "webhooks_webhookendpoint RESTART IDENTITY CASCADE"
        )
    app.control.purge()
    with transaction.atomic():
        store = seeding.store(f"bench-webhooks-{time.time_ns()}")
        orders = seeding.place_orders(store, 20)  # no endpoint yet: no events
    receiver = Receiver().start()
    endpoint = webhook_endpoint_create(store=store, url=receiver.url, events=["order.placed"])
    receiver.secret = endpoint.secret

    log = open(os.devnull, "wb")  # noqa: SIM115
    worker = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "celery"),
            "-A",
            "config",
            "worker",
            "-l",
            "warning",
            "-c",
            str(args.workers),
            "-P",
            "prefork",
            "-Q",
            QUEUE,
            "-n",
            f"{QUEUE}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=ROOT,
        env={**os.environ, "CONN_MAX_AGE": "600"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        time.sleep(6)  # the worker starts
        committed = {}
        started = time.time()
        for i in range(args.events):
            order = orders[i % len(orders)]
            with transaction.atomic():
                event = events.webhook_order(order, WebhookEventType.ORDER_PLACED)
                transaction.on_commit(
                    lambda mid=event.message_id: committed.__setitem__(mid, time.time())
                )
        produced = time.time() - started
        deadline = time.time() + 600
        while len(receiver.unique) < args.events and time.time() < deadline:
            time.sleep(0.2)
        done = max(e["at"] for e in receiver.unique.values())
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(30)
        receiver.stop()

    delivered = len(receiver.unique)
    lags = sorted(
        (receiver.unique[m]["at"] - t) * 1000 for m, t in committed.items() if m in receiver.unique
    )
    succeeded = WebhookDelivery.objects.filter(state="succeeded").count()
    print(
        f"events committed: {WebhookEvent.objects.count()} in {produced:.1f} s "
        f"({args.events / produced:.0f}/s, one transaction each)"
    )
    print(
        f"delivered (unique webhook-id): {delivered}; rows succeeded: {succeeded}; "
        f"duplicates: {len(receiver.received) - delivered}; "
        f"bad signatures: {len(receiver.rejected)}"
    )
    print(
        f"deliveries/s: {delivered / (done - started):.0f} "
        f"({args.workers} worker processes, first commit to last delivery {done - started:.1f} s)"
    )
    print(
        f"commit -> delivery lag: median {statistics.median(lags):.0f} ms, "
        f"p99 {lags[int(len(lags) * 0.99) - 1]:.0f} ms"
    )


if __name__ == "__main__":
    main()
