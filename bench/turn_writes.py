"""Benchmark: what the end-of-turn writes cost, and what the two unbuilt directions of the
skill-turn work could save at most.

    .venv/bin/python bench/turn_writes.py [--turns 3000] [--batch 50]

Creates a throwaway PostgreSQL database (``DATABASE_URL`` names the server; default
``postgres://postgres@127.0.0.1:5432/``), migrates it, seeds the No Nicks demo without
history, and measures in one process, on the same connection, in the same run:

* ``turn (in-process)``: a whole LaunchRequest through Django's test client on ``/alexa/``
  (signature check off: it is paid by every implementation alike), the baseline;
* ``round trip``: ``SELECT 1``, the floor of any statement sent to the database;
* ``step + log``: today's ``skill.services.turn_record`` with the shopper's conversation:
  ``BEGIN; SET LOCAL synchronous_commit TO OFF; UPDATE conversation; INSERT interaction;
  COMMIT`` as one multi-statement round trip;
* ``log only``: the same call without the conversation, i.e. the turn if its step travelled
  in the session attributes and the row were never written (the most that direction saves);
* ``step only``: the conversation UPDATE alone in the same kind of round trip (what a turn
  with a batched log would still send when its step changed);
* ``log batched``: the log rows written ``--batch`` at a time in one multi-row INSERT with the
  same asynchronous commit, per row (the most an in-process log buffer saves).

Prints milliseconds per turn and each saving as a share of the whole turn. Drops the
database at the end, whatever happens.
"""

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from skill_endpoint import USER_ID, psql  # noqa: E402  (bench/ is on the path above)


def per_call_ms(fn, n: int) -> float:
    for _ in range(min(200, n)):
        fn()
    start = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - start) * 1000 / n


def measure(turns: int, batch: int) -> list[tuple[str, float]]:
    import json

    from django.db import connection
    from django.test import Client

    from demo.seed import DEMO_SKILL_ID
    from orders.models import Customer
    from skill.models import Conversation, Interaction
    from skill.services import conversation_save, turn_record
    from skill.testing.envelopes import envelope, launch

    client = Client()
    body = json.dumps(envelope(launch(), skill_id=DEMO_SKILL_ID, user_id=USER_ID))

    def whole_turn():
        answer = client.post("/alexa/", body, content_type="application/json")
        assert answer.status_code == 200, answer.content[:200]

    whole_turn()
    customer = Customer.objects.get(alexa_user_id=USER_ID)
    conversation = Conversation.objects.filter(customer=customer).first()
    if conversation is None:
        conversation = conversation_save(
            conversation=Conversation(store_id=customer.store_id, customer=customer)
        )
    store = customer.store

    def record(with_step: bool):
        turn_record(
            conversation=conversation if with_step else None,
            store=store,
            customer=customer,
            request_type="LaunchRequest",
            intent="",
            slots={},
            session_id="amzn1.echo-api.session.bench",
            locale="en-US",
            source="voice",
            latency_ms=8,
            outcome="launch",
        )

    def step_only():
        """The step's UPDATE alone, sent as ``turn_record`` sends it (one round trip)."""
        from skill.services import _CONVERSATION_UPDATE

        with connection.cursor() as cursor:
            cursor.execute(
                "BEGIN; SET LOCAL synchronous_commit TO OFF; " + _CONVERSATION_UPDATE + "; COMMIT",
                [
                    conversation.step,
                    conversation.product_id,
                    conversation.quantity,
                    conversation.order_id,
                    conversation.token,
                    conversation.visits,
                    conversation.updated_at,
                    conversation.pk,
                ],
            )

    def select_one():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()

    def batched():
        rows = [
            Interaction(
                store=store,
                customer=customer,
                request_type="LaunchRequest",
                session_id="amzn1.echo-api.session.bench",
                locale="en-US",
                latency_ms=8,
                outcome="launch",
            )
            for _ in range(batch)
        ]
        with connection.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
            Interaction.objects.bulk_create(rows)
            cursor.execute("COMMIT")

    results = [
        ("turn (in-process)", per_call_ms(whole_turn, turns // 3)),
        ("round trip", per_call_ms(select_one, turns)),
        ("step + log", per_call_ms(lambda: record(True), turns)),
        ("log only", per_call_ms(lambda: record(False), turns)),
        ("step only", per_call_ms(step_only, turns)),
        ("log batched", per_call_ms(batched, max(1, turns // batch)) / batch),
    ]
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--turns", type=int, default=3000)
    parser.add_argument("--batch", type=int, default=50)
    args = parser.parse_args()

    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
    database = f"bench_turn_writes_{os.getpid()}"
    database_url = urlsplit(server)._replace(path=f"/{database}").geturl()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SECRET_KEY": "bench-only-secret",
        "DEBUG": "false",
        "ALEXA_VERIFY_REQUESTS": "false",
        "ALLOWED_HOSTS": "testserver",
        "LOG_LEVEL": "ERROR",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "CELERY_BROKER_URL": "",
    }
    psql(server, f'DROP DATABASE IF EXISTS "{database}"')
    psql(server, f'CREATE DATABASE "{database}"')
    try:
        python = str(ROOT / ".venv" / "bin" / "python")
        for cmd in (["migrate", "--no-input"], ["seed_demo", "--no-history"]):
            subprocess.run(
                [python, "manage.py", *cmd], env=env, cwd=ROOT, check=True, capture_output=True
            )
        os.environ.update(env)
        import django

        django.setup()
        results = measure(args.turns, args.batch)
        from django.db import connections

        connections.close_all()
    finally:
        psql(server, f'DROP DATABASE IF EXISTS "{database}"')

    turn = results[0][1]
    step_and_log = results[2][1]
    print(f"PostgreSQL, one process, {args.turns} calls each, batches of {args.batch}")
    print(f"{'run':<20}{'ms/turn':>9}{'/turn':>8}")
    for name, ms in results:
        print(f"{name:<20}{ms:>9.3f}{ms / turn:>8.3f}")
    print(
        f"session attributes instead of the step row save at most "
        f"{step_and_log - results[3][1]:.3f} ms a turn "
        f"({(step_and_log - results[3][1]) / turn:.1%} of a turn)"
    )
    by_name = dict(results)
    for label, after in (
        ("a batched log, the step still written when it changes,", "step only"),
        ("a batched log and the step in session attributes together", None),
    ):
        cost = by_name["log batched"] + (by_name[after] if after else 0.0)
        print(
            f"{label} save at most {step_and_log - cost:.3f} ms a turn "
            f"({(step_and_log - cost) / turn:.1%} of a turn)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
