from django.core import mail
from django.core.management.base import BaseCommand
from django.test.utils import override_settings

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
        # The history's orders send their shoppers emails: kept in memory and counted, so
        # that the console backend does not print each one (the shoppers are made up).
        outbox = getattr(mail, "outbox", None)  # a test's own outbox, put back after
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                mail.outbox = []
                result = seed_demos(history=not options["no_history"], days=options["days"])
                emails = len(mail.outbox)
        finally:
            if outbox is None:
                del mail.outbox
            else:
                mail.outbox = outbox
        verb = "Created" if result.created else "Kept"
        self.stdout.write(self.style.SUCCESS(f"{verb} demo store '{result.store.name}'."))
        self.stdout.write(f"  skill id: {DEMO_SKILL_ID}")
        self.stdout.write(f"  Sleep Well (in-skill purchases only) skill id: {SLEEP_SKILL_ID}")
        for store, summary in zip(["No Nicks", "Sleep Well"], result.history, strict=False):
            self.stdout.write(
                f"  {store} history: {summary.shoppers} shoppers, {summary.sessions} sessions, "
                f"{summary.orders} orders, {summary.purchases} in-skill purchases "
                "(0 when kept from before)"
            )
        self.stdout.write(f"  emails to the demo's shoppers: {emails}, kept back (not sent)")
        shoppers = result.shoppers
        if shoppers is not None:
            shop = f"/shop/{result.store.slug}/"
            for email in shoppers.accounts:
                self.stdout.write(f"  shop login ({shop}): {email} / {DEMO_PASSWORD}")
            cards = f"{shoppers.cards} saved test cards (4242 4242 4242 4242)"
            if shoppers.cards_skipped:
                cards += f"; no card saved: {shoppers.cards_skipped}"
            self.stdout.write(f"  {cards}")
            if shoppers.linked_token:
                self.stdout.write(
                    f"  linked to Alexa user {shoppers.linked_user_id}: {shoppers.accounts[0]}"
                    f" (access token {shoppers.linked_token})"
                )
        for username, role, _ in DEMO_USERS:
            self.stdout.write(f"  login: {username} / {DEMO_PASSWORD} ({role.label})")
