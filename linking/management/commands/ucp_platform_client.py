"""Register a shopping platform's OAuth client at a store (Alexa+, any UCP agent), or give the
one of that name a new secret, and print what the platform needs as one JSON object:

python manage.py ucp_platform_client --store flowers --name "Alexa+"
python manage.py ucp_platform_client --store flowers --name "Alexa+" \
    --redirect-uri https://platform.example/oauth/callback

``client_id``, ``client_secret`` (printed this once: only its hash is kept), ``token_url``
(absolute, from PUBLIC_BASE_URL) and ``scopes``: the shopper scopes of identity linking
(authorization code with PKCE, to the redirect URIs given) and the platform's own scope
(client credentials).
"""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linking.endpoints import access_token_url, platform_scopes
from linking.errors import LinkingError
from linking.services import platform_client_register
from merchant.models import Store


class Command(BaseCommand):
    help = "Register or rotate a shopping platform's OAuth client at a store; prints it as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--store", required=True, help="The store's slug.")
        parser.add_argument("--name", required=True, help="The platform's name, e.g. Alexa+.")
        parser.add_argument(
            "--redirect-uri",
            action="append",
            dest="redirect_uris",
            metavar="URI",
            help="The platform's identity-linking redirect URI (repeat for each; replaces the "
            "client's list; without it the client keeps its own).",
        )

    def handle(
        self, *args: Any, store: str, name: str, redirect_uris: list[str] | None, **options: Any
    ) -> None:
        shop = Store.objects.filter(slug=store).first()
        if shop is None:
            raise CommandError(f'No store with the slug "{store}".')
        try:
            client, secret = platform_client_register(
                store=shop,
                name=name,
                redirect_uris=redirect_uris,
                actor_label="ucp_platform_client command",
            )
        except LinkingError as refused:
            raise CommandError(refused.message) from None
        out = {
            "client_id": client.application.client_id,
            "client_secret": secret,
            "token_url": access_token_url(),
            "scopes": platform_scopes(),
        }
        self.stdout.write(json.dumps(out))
