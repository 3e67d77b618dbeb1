"""``manage.py smapi_sandbox_token --store SLUG``: credentials the SMAPI sandbox accepts, for
tools other than the portal (the ASK CLI, scripts). Stores in sandbox mode only."""

import json

from django.core.management.base import BaseCommand, CommandError

from merchant.models import Store
from smapi_sandbox.auth import credentials_issue


class Command(BaseCommand):
    help = "Print one JSON object of SMAPI sandbox credentials for a store in sandbox mode."

    def add_arguments(self, parser):
        parser.add_argument("--store", required=True, help="the store's slug")

    def handle(self, *args, store: str, **options):
        row = Store.objects.filter(slug=store).first()
        if row is None:
            raise CommandError(f"No store with slug {store!r}.")
        if not row.sandbox_mode:
            raise CommandError(
                f"Store {store!r} is not in sandbox mode: the SMAPI sandbox serves only stores "
                "in sandbox mode."
            )
        self.stdout.write(json.dumps(credentials_issue(store=row).as_dict()))
