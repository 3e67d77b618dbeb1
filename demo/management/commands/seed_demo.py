from django.core.management.base import BaseCommand

from demo.isp_seed import SLEEP_SKILL_ID
from demo.seed import DEMO_PASSWORD, DEMO_SKILL_ID, DEMO_USERS, seed_demos


class Command(BaseCommand):
    help = (
        "Create the No Nicks demo store, its catalog, in-skill products, the Sleep Well store "
        "and demo logins (idempotent)."
    )

    def handle(self, *args, **options):
        result = seed_demos()
        verb = "Created" if result.created else "Kept"
        self.stdout.write(self.style.SUCCESS(f"{verb} demo store '{result.store.name}'."))
        self.stdout.write(f"  skill id: {DEMO_SKILL_ID}")
        self.stdout.write(f"  Sleep Well (in-skill purchases only) skill id: {SLEEP_SKILL_ID}")
        for username, role, _ in DEMO_USERS:
            self.stdout.write(f"  login: {username} / {DEMO_PASSWORD} ({role.label})")
