"""The address book: one default, another account's address refused with nothing changed."""

import pytest

from merchant.models import Role
from merchant.tests.factories import MembershipFactory
from orders.tests.factories import CustomerFactory
from shoppers import forms, services
from shoppers.errors import ShopperError
from shoppers.models import ShopperAddress
from shoppers.selectors import account_addresses, default_address

from .factories import ShopperAccountFactory, ShopperAddressFactory

pytestmark = pytest.mark.django_db

HOME = {
    "name": "Ada Lovelace",
    "line1": "12 Analytical Row",
    "line2": "",
    "city": "Seattle",
    "region": "WA",
    "postal_code": "98101",
    "country": "us",
    "phone": "",
}


def book(account):
    return list(
        ShopperAddress.objects.filter(account=account)
        .order_by("pk")
        .values_list("line1", "is_default")
    )


def test_the_first_address_is_the_default_and_one_default_at_a_time():
    account = ShopperAccountFactory()
    home = services.address_add(account=account, **HOME)
    assert (home.is_default, home.country, home.store_id) == (True, "US", account.store_id)
    work = services.address_add(account=account, **{**HOME, "line1": "1 Work Way"})
    assert book(account) == [("12 Analytical Row", True), ("1 Work Way", False)]
    services.address_set_default(account=account, address=work)
    assert book(account) == [("12 Analytical Row", False), ("1 Work Way", True)]
    assert default_address(account) == work
    assert home.as_order_address() == {
        "name": "Ada Lovelace",
        "addressLine1": "12 Analytical Row",
        "addressLine2": "",
        "city": "Seattle",
        "stateOrRegion": "WA",
        "postalCode": "98101",
        "countryCode": "US",
        "phone": "",
    }


def test_deleting_the_default_makes_the_oldest_the_default():
    account = ShopperAccountFactory()
    first = services.address_add(account=account, **HOME)
    services.address_add(account=account, **{**HOME, "line1": "2 Second St"})
    third = services.address_add(account=account, is_default=True, **{**HOME, "line1": "3 Third"})
    assert default_address(account) == third
    services.address_delete(account=account, address=third)
    assert book(account) == [("12 Analytical Row", True), ("2 Second St", False)]
    assert default_address(account) == first


def test_another_accounts_address_is_refused_and_nothing_changes():
    account = ShopperAccountFactory()
    theirs = ShopperAddressFactory(account=ShopperAccountFactory(store=account.store))
    elsewhere = ShopperAddressFactory()
    for address in (theirs, elsewhere):
        for call, extra in (
            (services.address_update, {"city": "Paris"}),
            (services.address_delete, {}),
            (services.address_set_default, {}),
        ):
            with pytest.raises(ShopperError) as refused:
                call(account=account, address=address, **extra)
            assert refused.value.code == "not_found"
        address.refresh_from_db()
        assert (address.city, address.is_default) == ("Seattle", True)
    assert account_addresses(account) == []


def test_the_address_form_adds_and_updates_through_the_services():
    account = ShopperAccountFactory()
    form = forms.AddressForm(data={**HOME, "make_default": ""}, account=account)
    assert form.is_valid(), form.errors
    home = form.save()
    assert (home.account_id, home.is_default, home.country) == (account.pk, True, "US")
    second = forms.AddressForm(
        data={**HOME, "line1": "1 Work Way", "make_default": "on"}, account=account
    )
    assert second.is_valid()
    work = second.save()
    edit = forms.AddressForm(
        data={**HOME, "city": "Tacoma", "make_default": ""}, instance=home, account=account
    )
    assert edit.is_valid()
    edit.save()
    home.refresh_from_db()
    assert (home.city, home.is_default, default_address(account)) == ("Tacoma", False, work)
    missing = forms.AddressForm(data={**HOME, "line1": ""}, account=account)
    assert not missing.is_valid() and list(missing.errors) == ["line1"]


def test_the_support_console_shows_the_web_account_and_its_addresses(client):
    account = ShopperAccountFactory(email="ada@example.com", name="Ada")
    services.address_add(account=account, **HOME)
    services.voice_code_set(account=account, code="4711")
    other = ShopperAccountFactory(store=account.store, email="grace@example.com")
    services.address_add(account=other, **{**HOME, "line1": "99 Other Road"})
    staff = MembershipFactory(store=account.store, role=Role.SUPPORT_AGENT).user
    client.force_login(staff)
    page = client.get(f"/support/customers/{account.customer_id}/").content.decode()
    assert "<h2>Web account</h2>" in page and "<h2>Address book</h2>" in page
    assert "<dt>Email</dt><dd>ada@example.com (not verified)</dd>" in page
    assert "<dt>Alexa</dt><dd>not linked</dd>" in page
    assert "<dt>Voice purchase code</dt><dd>set</dd>" in page
    assert "<dt>Default</dt><dd>Ada Lovelace, 12 Analytical Row, 98101 Seattle, WA, US</dd>" in page
    assert "99 Other Road" not in page and "grace@example.com" not in page
    voice_only = CustomerFactory(store=account.store)
    page = client.get(f"/support/customers/{voice_only.pk}/").content.decode()
    assert "Web account" not in page and "Address book" not in page
