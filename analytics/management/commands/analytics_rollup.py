"""Roll up past days now: after installing the analytics app (history), or after fixing data.

    manage.py analytics_rollup [--days 400] [--store SLUG]

Computes each store's last ``--days`` closed days, a quarter at a time. Days within the
retention window are recomputed; older days only if they have no rollup yet.
"""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from analytics import periods, services
from merchant.models import Store

CHUNK_DAYS = 92


class Command(BaseCommand):
    help = "Compute the analytics rollups of the last N closed days of every store (or one)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.ANALYTICS_RETENTION_DAYS)
        parser.add_argument("--store", help="A store's slug (default: every store).")

    def handle(self, *args, days, store=None, **options):
        if days < 1:
            raise CommandError("--days must be at least 1.")
        stores = Store.objects.order_by("pk")
        if store:
            stores = stores.filter(slug=store)
            if not stores.exists():
                raise CommandError(f"No store has the slug {store!r}.")
        for each in stores:
            yesterday = periods.store_today(each) - periods.ONE_DAY
            first = yesterday - timedelta(days=days - 1)
            written = 0
            while first <= yesterday:
                last = min(first + timedelta(days=CHUNK_DAYS - 1), yesterday)
                written += len(services.store_rollup_days(store=each, first=first, last=last))
                first = last + periods.ONE_DAY
            self.stdout.write(f"{each.slug}: {written} days rolled up")
