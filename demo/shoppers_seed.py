"""The No Nicks demo's shopper accounts: three web shoppers with addresses, a cart, a wish
list and a saved test card each (when the embedded Stripe, localstripe, is running), one of
them linked to the demo's Alexa user, made through the apps' services.

The demo's addresses are made up, so no one could open a verification email: the accounts
are marked verified. Seeding again keeps what exists.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from cards import services as cards
from cards.config import stripe_config
from cards.errors import CardError
from cards.selectors import customer_cards
from catalog.models import Product
from linking import services as linking
from merchant.models import Store
from shoppers import services as shoppers
from shoppers.models import ShopperAccount

# The Alexa user the linked demo account is linked to (the voice console can play as it).
DEMO_LINKED_USER_ID = "amzn1.ask.account.NONICKSDEMOLINKED"
TEST_CARD = "4242424242424242"

# email, name, address, cart (sku: quantity), wish list (skus), linked to Alexa
DEMO_SHOPPERS = [
    (
        "ava.reed@example.com",
        "Ava Reed",
        ("Ava Reed", "410 Pine St", "Seattle", "WA", "98101", "US"),
        {"NN-KIT": 1, "NN-CREAM-6": 2},
        ["NN-BLADES-8"],
        True,
    ),
    (
        "ben.ortiz@example.com",
        "Ben Ortiz",
        ("Ben Ortiz", "22 Harbor Rd", "Portland", "OR", "97205", "US"),
        {"NN-BLADES-8": 1},
        ["NN-CREAM-6", "NN-KIT"],
        False,
    ),
    (
        "chloe.martin@example.com",
        "Chloe Martin",
        ("Chloe Martin", "7 Elm Ave", "Austin", "TX", "78701", "US"),
        {"NN-BLADES-8": 2},
        ["NN-CREAM-6"],
        False,
    ),
]


@dataclass
class ShoppersSummary:
    accounts: list[str] = field(default_factory=list)  # emails
    cards: int = 0
    cards_skipped: str = ""  # why no card was saved ("" when they were)
    linked_user_id: str = ""
    linked_token: str = ""


def seed_demo_shoppers(store: Store, *, password: str) -> ShoppersSummary:
    summary = ShoppersSummary()
    products = {p.sku: p for p in Product.objects.filter(store=store)}
    for email, name, address, cart, wishes, linked in DEMO_SHOPPERS:
        account = ShopperAccount.objects.filter(store=store, email=email).first()
        created = account is None
        if account is None:
            account = _new_account(store, email, name, password, address, cart, wishes, products)
        summary.accounts.append(email)
        if linked:
            customer = shoppers.account_attach_alexa_user(
                account=account, alexa_user_id=DEMO_LINKED_USER_ID
            )
            summary.linked_user_id = customer.alexa_user_id
            if created and store.sandbox_mode:  # linked once, as the Alexa app would
                summary.linked_token = linking.sandbox_link_issue(account=account)
        if customer_cards(account.customer):
            summary.cards += 1
        elif not stripe_config(store).is_localstripe:
            summary.cards_skipped = "Stripe is not the embedded localstripe"
        else:
            try:
                cards.card_save_for_test(customer=account.customer, number=TEST_CARD)
                summary.cards += 1
            except CardError as exc:  # localstripe is not running
                summary.cards_skipped = str(exc)
    return summary


@transaction.atomic
def _new_account(store, email, name, password, address, cart, wishes, products) -> ShopperAccount:
    account = shoppers.account_sign_up(store=store, email=email, password=password, name=name)
    ShopperAccount.objects.filter(pk=account.pk).update(email_verified_at=timezone.now())
    full_name, line1, city, region, postal_code, country = address
    shoppers.address_add(
        account=account,
        name=full_name,
        line1=line1,
        city=city,
        region=region,
        postal_code=postal_code,
        country=country,
    )
    for sku, quantity in cart.items():
        shoppers.cart_add(customer=account.customer, product=products[sku], quantity=quantity)
    for sku in wishes:
        shoppers.wishlist_add(customer=account.customer, product=products[sku])
    return account
