"""Helpers of the shop's tests: shoppers made through the shoppers app's own sign-up, signed
in the way the login page signs them in, and the URLs of the pages under test."""

from decimal import Decimal

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from catalog.tests.factories import ProductFactory
from shoppers import services as shoppers
from shoppers.models import ShopperAccount, ShopperAddress

PASSWORD = "lather-42-up"
BACKEND = "shoppers.auth.ShopperBackend"


def make_shopper(store, email="ada@example.com", name="Ada Park", verified=True) -> ShopperAccount:
    account = shoppers.account_sign_up(store=store, email=email, password=PASSWORD, name=name)
    if verified:
        ShopperAccount.objects.filter(pk=account.pk).update(email_verified_at=timezone.now())
        account.refresh_from_db()
    return account


def signed_in(account: ShopperAccount, client: Client | None = None) -> Client:
    client = client or Client()
    client.force_login(account.user, backend=BACKEND)
    return client


def add_address(account: ShopperAccount, **fields) -> ShopperAddress:
    values = {
        "name": account.name or "Ada Park",
        "line1": "1 Main St",
        "line2": "",
        "city": "Seattle",
        "region": "WA",
        "postal_code": "98109",
        "country": "US",
        "phone": "",
        **fields,
    }
    return shoppers.address_add(account=account, **values)


def product(store, *, price="10.00", stock=20, **fields):
    return ProductFactory(store=store, price=Decimal(price), stock=stock, **fields)


def url(name: str, store, *args) -> str:
    return reverse(f"shop:{name}", args=[store.slug, *args])


def order_for(account: ShopperAccount, *, quantity=1, price="10.00", product=None):
    """A placed order of the shopper's customer (through the orders app's own services and
    the Amazon Pay sandbox, as a voice order is placed)."""
    from orders.models import Customer
    from orders.tests.helpers import place_order

    Customer.objects.filter(pk=account.customer_id).update(
        billing_agreement_id=f"C01-shop-{account.pk}", billing_agreement_status="OPEN"
    )
    account.customer.refresh_from_db()
    return place_order(
        account.store, customer=account.customer, quantity=quantity, price=price, product=product
    )
