"""Create a store's Alexa account-linking client, or give it a new secret, and print what the
skill's account-linking settings need as one JSON object:

python manage.py alexa_link_client --store no-nicks
python manage.py alexa_link_client --store no-nicks --redirect-uri https://pitangui.amazon.com/api/skill/link/M2X

The secret is printed this once (only its hash is kept). Without --redirect-uri an existing
client keeps its URIs and a new one gets the four Alexa hosts with ALEXA_VENDOR_ID.
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linking.endpoints import access_token_url, authorization_url, scopes
from linking.errors import LinkingError
from linking.services import alexa_client_rotate
from merchant.models import Store


class Command(BaseCommand):
    help = "Create or rotate a store's Alexa account-linking client; prints its settings as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--store", required=True, help="The store's slug.")
        parser.add_argument(
            "--redirect-uri",
            action="append",
            dest="redirect_uris",
            metavar="URI",
            help="A redirect URI of the skill (repeat for each; replaces the client's list).",
        )

    def handle(
        self, *args: Any, store: str, redirect_uris: list[str] | None, **options: Any
    ) -> None:
        shop = Store.objects.filter(slug=store).first()
        if shop is None:
            raise CommandError(f'No store with the slug "{store}".')
        try:
            client, secret = alexa_client_rotate(
                store=shop, redirect_uris=redirect_uris, actor_label="alexa_link_client command"
            )
        except LinkingError as refused:
            raise CommandError(refused.message) from None
        out = {
            "client_id": client.application.client_id,
            "client_secret": secret,
            "authorization_url": authorization_url(),
            "access_token_url": access_token_url(),
            "scopes": scopes(),
            "redirect_uris": client.redirect_uris(),
        }
        self.stdout.write(json.dumps(out, indent=2))
