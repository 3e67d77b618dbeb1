"""Keys for tests: made by the create_api_key command, as automation makes them."""

import json
from io import StringIO

from django.core.management import call_command
from rest_framework.test import APIClient


def make_key(store, *scopes: str, name: str = "Test tool") -> dict:
    out = StringIO()
    call_command("create_api_key", store=store.slug, name=name, scopes=",".join(scopes), stdout=out)
    return json.loads(out.getvalue())


def client_with(key: dict | str) -> APIClient:
    client = APIClient()
    plain = key["key"] if isinstance(key, dict) else key
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {plain}")
    return client
