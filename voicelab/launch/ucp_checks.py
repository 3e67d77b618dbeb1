"""The launch checklist's UCP check: the store's business profile, as agents read it,
validates against the 2026-04-08 JSON Schemas (``ucp.schema_validation``)."""

from django.conf import settings
from django.urls import reverse

from merchant.models import Store
from ucp.profile import business_profile
from ucp.schema_validation import SchemasMissing, profile_errors

from .checks import FAILED, PASSED, WARNING, Check


def ucp_profile_valid(store: Store) -> Check:
    name = "UCP profile valid (shopping agents)"
    link = reverse("agents:page", args=[store.pk])
    if not store.ucp_enabled:
        return Check(
            "ucp-profile",
            name,
            WARNING,
            "UCP is off: shopping agents (Alexa+ among them) cannot buy from the store.",
            "Switch UCP on on the Agents page to sell through shopping agents.",
            link,
        )
    base = settings.PUBLIC_BASE_URL.rstrip("/") or "https://localhost"
    try:
        problems = profile_errors(business_profile(store, base_url=base))
    except SchemasMissing as exc:
        return Check("ucp-profile", name, WARNING, str(exc), "", link)
    if problems:
        return Check(
            "ucp-profile",
            name,
            FAILED,
            "The store's UCP profile does not match the 2026-04-08 schemas.",
            "Check the store's payment settings (Stripe keys) and signing keys, then look again.",
            link,
            problems,
        )
    return Check(
        "ucp-profile",
        name,
        PASSED,
        "The profile agents read lists the checkout, its payment handlers and the signing "
        "keys, and matches the 2026-04-08 schemas.",
        link=link,
    )
