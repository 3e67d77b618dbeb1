from django.core.management.base import BaseCommand

from demo.history import DAYS
from demo.isp_seed import SLEEP_SKILL_ID
from demo.seed import DEMO_PASSWORD, DEMO_SKILL_ID, DEMO_USERS, seed_demos


class Command(BaseCommand):
    help = (
        "Create the No Nicks demo store, its catalog, in-skill products, the Sleep Well store, "
        "demo logins and 90 days of history (idempotent)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Skip the demo history (sessions, orders, refunds, in-skill purchases).",
        )
        parser.add_argument(
            "--days", type=int, default=DAYS, help=f"Days of history (default {DAYS})."
        )

    def handle(self, *args, **options):
        result = seed_demos(history=not options["no_history"], days=options["days"])
        verb = "Created" if result.created else "Kept"
        self.stdout.write(self.style.SUCCESS(f"{verb} demo store '{result.store.name}'."))
        self.stdout.write(f"  skill id: {DEMO_SKILL_ID}")
        self.stdout.write(f"  Sleep Well (in-skill purchases only) skill id: {SLEEP_SKILL_ID}")
        for store, summary in zip(["No Nicks", "Sleep Well"], result.history, strict=False):
            self.stdout.write(
                f"  {store} history: {summary.sessions} sessions, {summary.orders} orders, "
                f"{summary.purchases} in-skill purchases (0 when kept from before)"
            )
        for username, role, _ in DEMO_USERS:
            self.stdout.write(f"  login: {username} / {DEMO_PASSWORD} ({role.label})")
