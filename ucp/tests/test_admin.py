"""The UCP pages of the admin are scoped like every store-owned page: an owner sees their
store's shipping rates and order webhooks only, and cannot reach another store's."""

import pytest
from django.urls import reverse

from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from ucp.models import ShippingRate

pytestmark = pytest.mark.django_db


def test_shipping_rates_are_scoped_to_the_staff_members_stores(client):
    mine, theirs = StoreFactory(), StoreFactory()
    ShippingRate.objects.create(store=mine, code="mine-std", title="Mine", fee="5.00")
    other = ShippingRate.objects.create(store=theirs, code="their-std", title="Theirs", fee="5.00")
    client.force_login(MembershipFactory(store=mine, role=Role.OWNER).user)
    listing = client.get(reverse("admin:ucp_shippingrate_changelist"))
    assert listing.status_code == 200
    assert b"mine-std" in listing.content and b"their-std" not in listing.content
    url = reverse("admin:ucp_shippingrate_change", args=[other.pk])
    assert client.get(url).status_code in (302, 403, 404)
    client.post(
        url,
        {"store": theirs.pk, "code": "x", "title": "x", "service_level": "standard", "fee": "0"},
    )
    other.refresh_from_db()
    assert (other.code, str(other.fee)) == ("their-std", "5.00")
    assert client.get(reverse("admin:ucp_orderwebhook_changelist")).status_code == 200
