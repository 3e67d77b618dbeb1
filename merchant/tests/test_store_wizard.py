"""The new-store wizard: an owner creates a second brand in three steps; the store follows the
store's rules, its creator owns it, the creation is audited, and once it has products it
passes the launch checklist's structural checks."""

from decimal import Decimal

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.urls import reverse

from catalog.tests.factories import CategoryFactory, ProductFactory
from merchant.models import Role, StaffAuditAction, StaffAuditEvent, StaffMembership, Store
from merchant.tests.factories import MembershipFactory, StoreFactory
from voicelab.launch import checks
from voicelab.package import build_skill_package

pytestmark = pytest.mark.django_db

URL = "admin:merchant_store_wizard"
PREFIX = "store_wizard"


def step(client, step_name, **fields):
    data = {f"{PREFIX}-current_step": step_name}
    data.update({f"{step_name}-{key}": value for key, value in fields.items()})
    return client.post(reverse(URL), data)


def walk(
    client,
    *,
    name="Blade Works",
    locales=("en-GB", "de-DE"),
    default="en-GB",
    invocation="blade works",
    payment_mode="pay_on_delivery",
    seller_id="",
):
    assert client.get(reverse(URL)).status_code == 200
    response = step(
        client, "brand", name=name, enabled_locales=list(locales), default_locale=default
    )
    assert response.status_code == 200, response.content.decode()[-3000:]
    response = step(client, "voice", invocation_name=invocation)
    if response.status_code != 200:
        return response
    return step(
        client,
        "money",
        currency="GBP",
        time_zone="Europe/London",
        payment_mode=payment_mode,
        amazon_pay_seller_id=seller_id,
        support_email="help@bladeworks.example.com",
    )


@pytest.fixture
def owner(client):
    member = MembershipFactory(role=Role.OWNER, store=StoreFactory(name="No Nicks"))
    client.force_login(member.user)
    return member.user


def test_owner_creates_a_second_store_and_owns_it(client, owner):
    response = walk(client)
    store = Store.objects.get(name="Blade Works")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:merchant_store_change", args=[store.pk])
    assert (store.slug, store.invocation_name) == ("blade-works", "blade works")
    assert (store.default_locale, store.enabled_locales) == ("en-GB", ["en-GB", "de-DE"])
    assert (store.currency, store.time_zone) == ("GBP", "Europe/London")
    assert (store.payment_mode, store.amazon_pay_seller_id) == ("pay_on_delivery", "")
    assert (store.country_of_establishment, store.support_email) == (
        "UK",
        "help@bladeworks.example.com",
    )
    membership = StaffMembership.objects.get(store=store)
    assert (membership.user, membership.role) == (owner, Role.OWNER)
    event = StaffAuditEvent.objects.get(store=store)
    assert (event.action, event.actor, event.subject_user) == (
        StaffAuditAction.STORE_CREATED,
        owner,
        owner,
    )
    assert event.describe() == f"created the store; {owner.email} is its owner"
    entry = LogEntry.objects.get(object_id=str(store.pk), content_type__model="store")
    assert (entry.action_flag, entry.user) == (ADDITION, owner)
    # The new store's page opens for its owner; the old one is still theirs.
    assert client.get(response["Location"]).status_code == 200
    assert StaffMembership.objects.filter(user=owner, role=Role.OWNER).count() == 2


def test_the_new_store_passes_the_structural_checks_once_it_has_products(client, owner):
    walk(client, payment_mode="charge_now", seller_id="A2BLADESELLER")
    store = Store.objects.get(name="Blade Works")
    category = CategoryFactory(store=store, name="Blades", spoken_name="blades")
    ProductFactory(store=store, category=category, name="Blade pack", price=Decimal("5.00"))
    for check in (
        checks.seller_of_record,
        checks.invocation_name,
        checks.payment_set_up,
        checks.in_skill_products_valid,
    ):
        result = check(store)
        assert result.status != checks.FAILED, (result.name, result.detail, result.problems)
    assert checks.invocation_name(store).status == checks.PASSED
    assert checks.payment_set_up(store).status == checks.PASSED
    package = build_skill_package(store=store)  # raises PackageInvalid when it cannot
    assert package is not None


@pytest.mark.parametrize(
    "invocation, words",
    [
        ("open blade works", "contains the launch word &quot;open&quot;."),
        ("blade works 24", "contains digits; spell numbers out"),
        ("Blade Works", "must be lower case."),
    ],
)
def test_invocation_name_is_checked_by_alexa_rules_in_each_language(
    client, owner, invocation, words
):
    response = walk(client, invocation=invocation)
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page
    assert "Checked for the languages en-GB, de-DE." in page
    assert not Store.objects.filter(name="Blade Works").exists()


def test_amazon_pay_without_a_seller_id_is_refused_in_words(client, owner):
    response = walk(client, payment_mode="charge_now", seller_id="")
    assert response.status_code == 400
    assert "Amazon Pay needs your seller id: paste it, or choose pay on delivery." in (
        response.content.decode()
    )
    assert not Store.objects.filter(name="Blade Works").exists()


def test_default_language_must_be_ticked(client, owner):
    client.get(reverse(URL))
    response = step(client, "brand", name="X", enabled_locales=["en-US"], default_locale="de-DE")
    assert response.status_code == 400
    assert "The default language must be one of those ticked." in response.content.decode()


def test_a_taken_name_gets_a_slug_of_its_own(client, owner):
    StoreFactory(slug="blade-works")
    walk(client)
    assert Store.objects.get(name="Blade Works").slug == "blade-works-2"


@pytest.mark.parametrize("role", [Role.CATALOG_EDITOR, Role.SUPPORT_AGENT])
def test_only_owners_create_stores(client, role):
    member = MembershipFactory(role=role)
    client.force_login(member.user)
    count = Store.objects.count()
    assert client.get(reverse(URL)).status_code == 403
    response = step(client, "brand", name="Mine", enabled_locales=["en-US"], default_locale="en-US")
    assert response.status_code == 403
    assert Store.objects.count() == count
    assert not StaffMembership.objects.filter(user=member.user, role=Role.OWNER).exists()


def test_the_stores_list_offers_the_wizard_to_owners(client, owner):
    page = client.get(reverse("admin:merchant_store_changelist")).content.decode()
    assert f'href="{reverse(URL)}" class="create-store-link"' in page
