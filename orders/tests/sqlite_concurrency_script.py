"""Run by test_sqlite_concurrency in its own process, on a fresh SQLite file: three staff
confirm refunds of one order at the same moment. Prints one line per refund attempt."""

import os
import sys
import threading

import django

os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
django.setup()

from decimal import Decimal  # noqa: E402

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from merchant.tests.factories import StoreFactory  # noqa: E402
from orders import services  # noqa: E402
from orders.tests.helpers import place_order  # noqa: E402

call_command("migrate", verbosity=0)
print("journal", connection.cursor().execute("PRAGMA journal_mode").fetchone()[0])
order = place_order(StoreFactory(payment_mode="charge_now"), quantity=3)
connection.close()
start = threading.Barrier(3)


def refund(n: int) -> None:
    start.wait()
    try:
        services.order_refund(
            order=type(order).objects.get(pk=order.pk),
            amount=Decimal("1.00"),
            reason=f"goodwill {n}",
            reference_id=f"sqlite-{n}",
        )
        print("refunded", n)
    except Exception as exc:  # the test reads what happened
        print("failed", n, type(exc).__name__, exc)
    finally:
        connection.close()


threads = [threading.Thread(target=refund, args=(n,)) for n in range(3)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
sys.exit(0)
