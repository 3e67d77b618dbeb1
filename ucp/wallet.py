"""The partner wallet: a shopper who linked their account to the platform (identity-linking.md,
OAuth 2.0 over the portal's server at ``/o/``) pays with the cards saved at this store.

A checkout request carrying ``Authorization: Bearer <token>`` of a linked shopper of this
store (scope ``orders``; issued to the store's Alexa client or to one of its platform
clients) gets the session made on that shopper's customer, the buyer and the
shipping destination defaulted from the account (email, default address), and the saved
cards offered as payment instruments (brand, last 4, expiry only). Completing with one of
them charges it off session through ``cards.services.order_pay_with_card``. A token that is
unknown, expired, another store's or without the scope is refused (401 ``identity_required``
with the RFC 6750 challenge); a card id of another shopper, or a session of another
customer, offers and reaches nothing.
"""

from typing import Any

from django.http import HttpRequest

from cards.models import SavedCard
from cards.selectors import customer_card, customer_cards
from linking.selectors import agent_access
from merchant.models import Store
from shoppers.models import ShopperAccount
from shoppers.selectors import default_address

from .protocol import SPEC_BASE, VERSION, UcpError
from .stripe_cards import takes_cards

IDENTITY_LINKING = "dev.ucp.common.identity_linking"
WALLET_HANDLER_ID = "saved_card"
WALLET_NAMESPACE = "com.stripe.saved_card"
WALLET_SCOPE = "orders"
CARD_PREFIX = "card_"


def oauth_endpoints(base_url: str) -> dict[str, str]:
    return {
        "issuer": f"{base_url}/",
        "authorization_endpoint": f"{base_url}/o/authorize/",
        "token_endpoint": f"{base_url}/o/token/",
        "revocation_endpoint": f"{base_url}/o/revoke_token/",
        "metadata": f"{base_url}/.well-known/oauth-authorization-server",
    }


def identity_linking_entry(base_url: str) -> dict[str, Any]:
    """The profile's identity linking capability. No operation requires a linked shopper
    (``scopes`` is empty): linking is the optional layer that brings the wallet, the
    account's email and its default address (the OAuth scopes in the RFC 8414 metadata)."""
    return {
        "version": VERSION,
        "spec": f"{SPEC_BASE}/specification/identity-linking",
        "schema": f"{SPEC_BASE}/schemas/common/identity_linking.json",
        "config": {"scopes": {}, **oauth_endpoints(base_url)},
    }


def wallet_handler_entry(store: Store) -> dict[str, Any]:
    return {
        "id": WALLET_HANDLER_ID,
        "version": VERSION,
        "spec": f"{SPEC_BASE}/specification/identity-linking",
        "available_instruments": [{"type": "card"}],
        "config": {"identity_linking": IDENTITY_LINKING, "oauth_scope": WALLET_SCOPE},
    }


def wallet_offered(store: Store) -> bool:
    return takes_cards(store)


def identity_required(base_url: str, *, invalid: bool) -> UcpError:
    challenge = f'Bearer realm="{base_url}/", scope="{WALLET_SCOPE}"'
    if invalid:
        challenge += ', error="invalid_token"'
    return UcpError(
        401,
        "identity_required",
        "The shopper's account link is not valid at this store.",
        headers={"WWW-Authenticate": challenge},
    )


def linked_shopper(request: HttpRequest, store: Store, *, base_url: str) -> ShopperAccount | None:
    """The linked shopper the request's bearer token names; None without a token; 401 when
    the token is not a live one of this store with the ``orders`` scope."""
    header = request.headers.get("Authorization", "")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise identity_required(base_url, invalid=True)
    access = agent_access(store=store, access_token=token.strip())
    if access is None or access.account is None or not access.allows(WALLET_SCOPE):
        raise identity_required(base_url, invalid=True)
    return access.account


def with_shopper_defaults(body: dict[str, Any], shopper: ShopperAccount | None) -> dict[str, Any]:
    """The request body with the account's email as the buyer and its default address as the
    shipping destination, where the request gives none."""
    if shopper is None:
        return body
    body = dict(body)
    first, _, last = shopper.name.partition(" ")
    if "buyer" not in body:
        buyer = {"email": shopper.email}
        if first:
            buyer["first_name"] = first
        if last:
            buyer["last_name"] = last
        body["buyer"] = buyer
    address = default_address(shopper)
    if "fulfillment" not in body and address is not None:
        names = address.name.partition(" ")
        place = {
            "id": "default_address",
            "first_name": names[0],
            "last_name": names[2],
            "street_address": address.line1,
            "extended_address": address.line2,
            "address_locality": address.city,
            "address_region": address.region,
            "postal_code": address.postal_code,
            "address_country": address.country,
            "phone_number": address.phone,
        }
        destination = {k: v for k, v in place.items() if v}
        body["fulfillment"] = {
            "methods": [
                {
                    "type": "shipping",
                    "destinations": [destination],
                    "selected_destination_id": "default_address",
                }
            ]
        }
    return body


def card_instrument(card: SavedCard) -> dict[str, Any]:
    return {
        "id": f"{CARD_PREFIX}{card.pk}",
        "handler_id": WALLET_HANDLER_ID,
        "type": "card",
        "display": {
            "brand": card.brand,
            "last_digits": card.last4,
            "expiry_month": card.exp_month,
            "expiry_year": card.exp_year,
        },
    }


def owns_order(shopper: ShopperAccount | None, customer_id: int) -> bool:
    return shopper is not None and shopper.customer_id == customer_id


def offered_instruments(shopper: ShopperAccount | None, customer_id: int) -> list[dict[str, Any]]:
    """The shopper's saved cards as instruments, for the shopper's own session only."""
    if shopper is None or not owns_order(shopper, customer_id):
        return []
    if not wallet_offered(shopper.store):
        return []
    return [card_instrument(card) for card in customer_cards(shopper.customer)]


def saved_card(shopper: ShopperAccount, instrument_id: str) -> SavedCard | None:
    """The shopper's card an offered instrument id names (another shopper's finds nothing)."""
    number = instrument_id.removeprefix(CARD_PREFIX)
    if not instrument_id.startswith(CARD_PREFIX) or not number.isdigit():
        return None
    return customer_card(shopper.customer, int(number))
