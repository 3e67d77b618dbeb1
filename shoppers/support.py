"""What the support console's customer page shows of a customer's web account and address
book (``orders.customer_sections``, registered in ``ShoppersConfig.ready``). Brand, last 4
and expiry of saved cards are the cards app's section; whether Alexa is linked is the linking
app's (it knows the tokens)."""

from django.utils import timezone

from orders.customer_sections import CustomerSection
from orders.models import Customer

from .models import ShopperAccount, ShopperAddress


def web_account_section(customer: Customer) -> CustomerSection | None:
    account = ShopperAccount.objects.filter(store_id=customer.store_id, customer=customer).first()
    if account is None:
        return None
    locked = account.voice_code_locked_until
    if not account.voice_code_hash:
        code = "not set"
    elif locked is not None and locked > timezone.now():
        code = f"set; locked until {timezone.localtime(locked):%Y-%m-%d %H:%M}"
    else:
        code = "set"
    return CustomerSection(
        title="Web account",
        rows=[
            ("Email", f"{account.email} ({'verified' if account.is_verified else 'not verified'})"),
            ("Name", account.name or "—"),
            ("Signed up", f"{timezone.localtime(account.created_at):%Y-%m-%d}"),
            ("Voice purchase code", code),
        ],
        order=30,
    )


def addresses_section(customer: Customer) -> CustomerSection | None:
    account = ShopperAccount.objects.filter(store_id=customer.store_id, customer=customer).first()
    if account is None:
        return None
    addresses = ShopperAddress.objects.filter(store_id=customer.store_id, account=account)
    return CustomerSection(
        title="Address book",
        rows=[
            (
                "Default" if address.is_default else "Address",
                ", ".join(
                    part
                    for part in (
                        address.name,
                        address.line1,
                        address.line2,
                        f"{address.postal_code} {address.city}".strip(),
                        address.region,
                        address.country,
                        address.phone,
                    )
                    if part
                ),
            )
            for address in addresses
        ],
        empty="No addresses.",
        order=35,
    )
