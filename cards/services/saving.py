"""Saving cards: a SetupIntent confirmed by Stripe.js in the shopper's browser (the card
number goes from the browser to Stripe, never through the portal), then the card's brand,
last 4 digits and expiry read back from Stripe. Removing detaches the card at Stripe;
forgetting a shopper (erasure) deletes their Stripe customer after the commit.
"""

from dataclasses import dataclass

import stripe
from django.db import transaction
from django.utils import timezone
from stripe.params import SetupIntentCreateParams

from orders.models import Customer

from .. import effects
from ..config import StripeConfig, client_for, stripe_client, stripe_config
from ..errors import CardDeclined, CardNotFound, CardSetupFailed, NotLocalStripe
from ..models import SavedCard, StripeCustomer


@dataclass(frozen=True)
class CardSetup:
    """What the card form needs: Stripe.js confirms the SetupIntent with these."""

    setup_intent_id: str
    client_secret: str
    publishable_key: str
    js_url: str


def _lock_customer(customer: Customer) -> Customer:
    return Customer.objects.select_for_update().get(pk=customer.pk)


def stripe_customer_id(customer: Customer, client: stripe.StripeClient) -> str:
    """The shopper's Stripe customer, made on first use (call with the customer locked)."""
    known = StripeCustomer.objects.filter(customer=customer).first()
    if known is not None:
        return known.stripe_id
    created = client.v1.customers.create(
        {
            "name": customer.name or "",
            "email": customer.email or "",
            "metadata": {"store": customer.store.slug, "customer": str(customer.pk)},
        },
        {"idempotency_key": f"customer-{customer.store_id}-{customer.pk}"},
    )
    StripeCustomer.objects.create(store=customer.store, customer=customer, stripe_id=created.id)
    return created.id


@transaction.atomic
def card_setup_start(*, customer: Customer) -> CardSetup:
    """A SetupIntent for saving a card to be charged later, off session."""
    config = stripe_config(customer.store)
    client = stripe_client(config)
    customer = _lock_customer(customer)
    params: SetupIntentCreateParams = {
        "customer": stripe_customer_id(customer, client),
        "usage": "off_session",
        "metadata": {"store": customer.store.slug, "customer": str(customer.pk)},
    }
    setup = client.v1.setup_intents.create(params)
    return CardSetup(
        setup_intent_id=setup.id,
        client_secret=setup.client_secret or "",
        publishable_key=config.publishable_key,
        js_url=config.js_url,
    )


@transaction.atomic
def card_save(*, customer: Customer, setup_intent_id: str) -> SavedCard:
    """Save the card of a succeeded SetupIntent of this shopper; the first card is the
    default. Saving the same card again returns it."""
    client = client_for(customer.store)
    customer = _lock_customer(customer)
    known = StripeCustomer.objects.filter(customer=customer).first()
    try:
        setup = client.v1.setup_intents.retrieve(setup_intent_id)
    except stripe.StripeError as exc:
        raise CardSetupFailed("That card setup is unknown.", code="unknown_setup") from exc
    if known is None or setup.customer != known.stripe_id:
        raise CardSetupFailed("That card setup belongs to someone else.", code="not_yours")
    if setup.status != "succeeded" or not setup.payment_method:
        raise CardSetupFailed(
            "The card was not confirmed. Try again or use another card.", code=setup.status
        )
    pm_id = str(setup.payment_method)
    seen = SavedCard.objects.filter(stripe_payment_method_id=pm_id).first()
    if seen is not None:
        if seen.customer_id != customer.pk:
            raise CardSetupFailed("That card belongs to someone else.", code="not_yours")
        return seen
    method = client.v1.payment_methods.retrieve(pm_id)
    if method.customer != known.stripe_id:
        # Stripe attaches the card when the SetupIntent succeeds; localstripe leaves it to us.
        method = client.v1.payment_methods.attach(pm_id, {"customer": known.stripe_id})
    card = method.card
    if card is None:
        raise CardSetupFailed("Only cards can be saved.", code="not_a_card")
    first = not SavedCard.objects.filter(customer=customer).exists()
    return SavedCard.objects.create(
        store=customer.store,
        customer=customer,
        stripe_payment_method_id=pm_id,
        brand=card.brand or "",
        last4=card.last4 or "",
        exp_month=card.exp_month or 0,
        exp_year=card.exp_year or 0,
        is_default=first,
    )


def _own_card(customer: Customer, card: SavedCard) -> SavedCard:
    found = (
        SavedCard.objects.select_for_update()
        .filter(pk=card.pk, customer=customer, store_id=customer.store_id)
        .first()
    )
    if found is None:
        raise CardNotFound("No such card.", code="not_found")
    return found


@transaction.atomic
def card_set_default(*, customer: Customer, card: SavedCard) -> SavedCard:
    customer = _lock_customer(customer)
    card = _own_card(customer, card)
    SavedCard.objects.filter(customer=customer, is_default=True).exclude(pk=card.pk).update(
        is_default=False
    )
    if not card.is_default:
        card.is_default = True
        card.save(update_fields=["is_default"])
    return card


@transaction.atomic
def card_remove(*, customer: Customer, card: SavedCard) -> None:
    """Detach the card at Stripe and forget it; the oldest remaining card becomes default."""
    client = client_for(customer.store)
    customer = _lock_customer(customer)
    card = _own_card(customer, card)
    try:
        client.v1.payment_methods.detach(card.stripe_payment_method_id)
    except stripe.InvalidRequestError as exc:
        if not exc.error or exc.error.code != "resource_missing":
            if exc.http_status != 404:
                raise
    was_default = card.is_default
    card.delete()
    if was_default:
        successor = SavedCard.objects.filter(customer=customer).order_by("created_at", "id").first()
        if successor is not None:
            successor.is_default = True
            successor.save(update_fields=["is_default"])


def _next_expiry_year() -> int:
    return timezone.now().year + 3


def card_save_for_test(
    *,
    customer: Customer,
    number: str = "4242424242424242",
    exp_month: int = 12,
    exp_year: int | None = None,
) -> SavedCard:
    """Save a test card by number: ONLY against localstripe (the demo seeder and tests);
    the shopper's 3-D Secure during the setup is completed as Stripe.js would."""
    config: StripeConfig = stripe_config(customer.store)
    if not config.is_localstripe:
        raise NotLocalStripe("Card numbers are only accepted by localstripe.", code="not_local")
    client = stripe_client(config)
    setup = card_setup_start(customer=customer)
    method = client.v1.payment_methods.create(
        {
            "type": "card",
            "card": {
                "number": number,
                "exp_month": exp_month,
                "exp_year": exp_year or _next_expiry_year(),
                "cvc": "123",
            },
        }
    )
    try:
        confirmed = client.v1.setup_intents.confirm(
            setup.setup_intent_id, {"payment_method": method.id}
        )
    except stripe.CardError as exc:
        message = exc.user_message or "Your card was declined."
        raise CardDeclined(message, code="card_declined") from exc
    if confirmed.status == "requires_action":
        client.v1.setup_intents.confirm(setup.setup_intent_id, {})
    return card_save(customer=customer, setup_intent_id=setup.setup_intent_id)


@transaction.atomic
def customer_stripe_forget(*, customer: Customer) -> None:
    """Erasure: the saved cards go now, the Stripe customer (and its cards there) is deleted
    after the commit."""
    customer = _lock_customer(customer)
    SavedCard.objects.filter(customer=customer).delete()
    known = StripeCustomer.objects.filter(customer=customer).first()
    if known is not None:
        effects.delete_stripe_customer(store_id=customer.store_id, stripe_id=known.stripe_id)
        known.delete()
