"""Make a store's API key from the command line (automation, tests, first set-up).

    manage.py create_api_key --store SLUG --name NAME --scopes catalog:read,orders:read

Prints one JSON object, ``{"key": "<the key, shown only now>", "id": "<its id>", ...}``; the
key is kept hashed, as one made on the portal's API keys page, and its creation is audited
("the create_api_key command").
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from apikeys.services import api_key_create
from merchant.models import Store


class Command(BaseCommand):
    help = "Make an API key of a store; prints {key, id} as JSON (the key is shown once)."

    def add_arguments(self, parser):
        parser.add_argument("--store", required=True, help="The store's slug.")
        parser.add_argument("--name", required=True, help="What the key is for.")
        parser.add_argument(
            "--scopes", required=True, help="Comma-separated, e.g. catalog:read,orders:read."
        )

    def handle(self, *args, store, name, scopes, **options):
        found = Store.objects.filter(slug=store).first()
        if found is None:
            raise CommandError(f"No store has the slug {store!r}.")
        try:
            key, plain = api_key_create(
                store=found,
                name=name,
                scopes=scopes.split(","),
                actor=None,
                actor_label="the create_api_key command",
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            json.dumps(
                {
                    "key": plain,
                    "id": key.prefix,
                    "store": found.slug,
                    "name": key.name,
                    "scopes": key.scopes,
                }
            )
        )
