"""Discount codes in the admin: a store's catalog staff see and change only their stores'
codes; another store's code is neither listed nor reachable, and stays as it was."""

from decimal import Decimal

import pytest
from django.urls import reverse

from discounts.models import Discount
from discounts.tests.factories import DiscountFactory
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory

pytestmark = pytest.mark.django_db


def test_staff_see_and_change_only_their_stores_codes(client):
    mine, theirs = StoreFactory(), StoreFactory()
    own = DiscountFactory(store=mine, code="MINE10")
    other = DiscountFactory(store=theirs, code="THEIRS10")
    member = MembershipFactory(store=mine, role=Role.OWNER)
    client.force_login(member.user)
    listing = client.get(reverse("admin:discounts_discount_changelist"))
    assert listing.status_code == 200
    assert b"MINE10" in listing.content and b"THEIRS10" not in listing.content
    url = reverse("admin:discounts_discount_change", args=[other.pk])
    assert client.get(url).status_code in (302, 403, 404)
    client.post(
        url, {"store": theirs.pk, "code": "HIJACK", "title": "x", "kind": "fixed", "value": "99"}
    )
    other.refresh_from_db()
    assert (other.code, other.value) == ("THEIRS10", Decimal("10.00"))
    edited = client.post(
        reverse("admin:discounts_discount_change", args=[own.pk]),
        {
            "store": mine.pk,
            "code": "MINE15",
            "title": "15% off",
            "kind": "percentage",
            "value": "15",
            "active": "on",
        },
    )
    assert edited.status_code == 302
    own.refresh_from_db()
    assert (own.code, own.value) == ("MINE15", Decimal("15.00"))
    assert Discount.objects.count() == 2
