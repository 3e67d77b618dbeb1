from django.core.management.base import BaseCommand

from demo.seed import DEMO_PASSWORD, DEMO_SKILL_ID, DEMO_USERS, seed_demo_store


class Command(BaseCommand):
    help = "Create the No Nicks demo store, its catalog and demo logins (idempotent)."

    def handle(self, *args, **options):
        result = seed_demo_store()
        verb = "Created" if result.created else "Kept"
        self.stdout.write(self.style.SUCCESS(f"{verb} demo store '{result.store.name}'."))
        self.stdout.write(f"  skill id: {DEMO_SKILL_ID}")
        for username, role, _ in DEMO_USERS:
            self.stdout.write(f"  login: {username} / {DEMO_PASSWORD} ({role.label})")
