"""The store's business profile at ``/ucp/<store-slug>/.well-known/ucp`` (overview.md,
Business Profile): the shopping service's REST and MCP endpoints built from the request, the
capabilities this server speaks (and identity linking over the portal's OAuth
server, for the partner wallet), the payment handlers and the signing keys."""

from typing import Any

from merchant.models import Store

from .payments import payment_handlers
from .protocol import CAPABILITIES, SHOPPING_SERVICE, SPEC_BASE, VERSION, capability_entry
from .signing import published_keys
from .wallet import IDENTITY_LINKING, identity_linking_entry


def store_endpoint(store: Store, *, base_url: str) -> str:
    return f"{base_url}/ucp/{store.slug}"


def business_profile(store: Store, *, base_url: str, endpoint: str = "") -> dict[str, Any]:
    """``endpoint``: the store's UCP root as the request reached it (the host's root on the
    store's own shop domain); by default ``<base_url>/ucp/<slug>``."""
    return {
        "ucp": {
            "version": VERSION,
            "services": {
                SHOPPING_SERVICE: [
                    {
                        "version": VERSION,
                        "spec": f"{SPEC_BASE}/specification/overview",
                        "transport": "rest",
                        "endpoint": endpoint or store_endpoint(store, base_url=base_url),
                        "schema": f"{SPEC_BASE}/services/shopping/rest.openapi.json",
                    },
                    {
                        "version": VERSION,
                        "spec": f"{SPEC_BASE}/specification/overview",
                        "transport": "mcp",
                        "endpoint": f"{endpoint or store_endpoint(store, base_url=base_url)}/mcp",
                        "schema": f"{SPEC_BASE}/services/shopping/mcp.openrpc.json",
                    },
                ]
            },
            "capabilities": {
                **{name: [capability_entry(name)] for name in CAPABILITIES},
                IDENTITY_LINKING: [identity_linking_entry(base_url)],
            },
            "payment_handlers": payment_handlers(store),
        },
        "signing_keys": published_keys(store),
    }
