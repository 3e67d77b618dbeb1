"""Point localstripe's webhooks at this portal: one per store, signed with the store's
webhook secret (``make run`` calls it once localstripe answers). Refuses to talk to Stripe
itself: real webhook endpoints are set up in Stripe's dashboard."""

import json
import urllib.request

from django.core.management.base import BaseCommand
from django.urls import reverse

from merchant.models import Store

from ...config import stripe_config


class Command(BaseCommand):
    help = "Register each store's webhook endpoint with localstripe (development only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--base-url", required=True, help="where the portal answers, e.g. http://127.0.0.1:8000"
        )

    def handle(self, *args, base_url: str, **options):
        registered = 0
        for store in Store.objects.order_by("pk"):
            config = stripe_config(store)
            if not config.is_localstripe:
                self.stdout.write("STRIPE_API_BASE is Stripe itself: set webhooks up there")
                return
            if not config.webhook_secret:
                continue
            url = base_url.rstrip("/") + reverse("cards:stripe_webhook", args=[store.slug])
            request = urllib.request.Request(
                f"{config.api_base}/_config/webhooks/{store.slug}",
                data=json.dumps({"url": url, "secret": config.webhook_secret}).encode(),
                method="POST",
            )
            with urllib.request.urlopen(request, timeout=5):
                registered += 1
        self.stdout.write(f"{registered} webhook(s) registered with localstripe")
