"""The demo seed behind `make run`."""

import io
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.forms import modelform_factory

from catalog.models import Category, Product, ProductSynonym
from demo.history import USER_PREFIX, seed_history, shopper_identity
from demo.seed import DEMO_SKILL_ID, seed_demo_store
from merchant.models import Role, SkillId, StaffMembership, Store
from orders.models import Customer, Order

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def _counts():
    return (
        Store.objects.count(),
        SkillId.objects.count(),
        Category.objects.count(),
        Product.objects.count(),
        ProductSynonym.objects.count(),
        get_user_model().objects.count(),
        StaffMembership.objects.count(),
    )


@pytest.mark.django_db
def test_seed_demo_creates_the_no_nicks_store():
    call_command("seed_demo", "--no-history", verbosity=0)
    store = Store.objects.get(slug="no-nicks")
    assert store.name == "No Nicks"
    assert store.invocation_name == "no nicks"
    assert store.skill_ids.get().skill_id == DEMO_SKILL_ID
    assert store.enabled_locales == ["en-US", "en-GB", "de-DE"]
    kit = Product.objects.get(store=store, sku="NN-KIT")
    assert str(kit.price) == "9.00"
    assert kit.spoken_description == (
        "a weighted razor handle, three blades and menthol shaving cream"
    )
    refills = Product.objects.get(store=store, sku="NN-BLADES-8")
    assert refills.refill_interval_weeks == 8
    assert refills.repeat_purchase is True
    assert Product.objects.filter(store=store, best_seller=True).count() == 2
    assert list(Category.objects.filter(store=store).values_list("name", flat=True)) == [
        "Starter kits",
        "Refills",
        "Shaving cream",
    ]
    roles = dict(StaffMembership.objects.filter(store=store).values_list("user__username", "role"))
    assert roles == {
        "owner": Role.OWNER,
        "editor": Role.CATALOG_EDITOR,
        "support": Role.SUPPORT_AGENT,
    }
    assert get_user_model().objects.get(username="owner").check_password("nonicks-demo")


@pytest.mark.django_db
def test_seed_demo_is_idempotent_and_keeps_owner_edits():
    seed_demo_store()
    before = _counts()
    kit = Product.objects.get(sku="NN-KIT")
    kit.price = "11.50"
    kit.save()
    result = seed_demo_store()
    assert result.created is False
    assert _counts() == before
    kit.refresh_from_db()
    assert str(kit.price) == "11.50"


@pytest.mark.django_db
@pytest.mark.parametrize("price", ["9.99", "19.99", "129.99"])
def test_the_starter_kits_price_can_change_in_the_list_within_one_breath(price):
    """Its pitch leaves room for any price: the list's form takes a new one in every locale."""
    from catalog.pitch_forms import ProductListForm, product_pitches  # after Django's setup

    seed_demo_store()
    kit = Product.objects.select_related("store").get(sku="NN-KIT")
    form_class = modelform_factory(Product, form=ProductListForm, fields=["price", "stock"])
    form = form_class(data={"price": price, "stock": "500"}, instance=kit)
    assert form.is_valid(), form.errors
    kit.price = Decimal(price)
    assert all(pitch.fits_one_breath for pitch in product_pitches(kit).values())


@pytest.mark.django_db
def test_the_demo_shoppers_have_names_and_emails_of_their_own(settings):
    settings.ISP_SANDBOX_BASE_URL = "http://127.0.0.1:9/sandbox/monetization"
    store = seed_demo_store().store
    seed_history(store, days=10, now=NOW)
    shoppers = Customer.objects.filter(store=store, alexa_user_id__startswith=USER_PREFIX)
    names = list(shoppers.order_by("alexa_user_id").values_list("name", "email"))
    assert len(names) > 3
    assert names[:2] == [
        ("Ava Adams", "ava.adams@example.com"),
        ("Ben Becker", "ben.becker@example.com"),
    ]
    assert len({name for name, _ in names}) == len({email for _, email in names}) == len(names)
    placed = Order.objects.filter(store=store, customer__in=shoppers).exclude(email="")
    assert placed.exists()
    assert all(order.email == order.customer.email for order in placed)


def test_every_shopper_identity_differs_past_the_list_of_names():
    identities = [shopper_identity(number) for number in range(1, 701)]
    assert len({name for name, _ in identities}) == 700
    assert len({email for _, email in identities}) == 700
    assert shopper_identity(321) == ("Ava Adams 2", "ava.adams2@example.com")


@pytest.mark.django_db(transaction=True)  # the emails go after each commit, as in `make run`
def test_seed_demo_prints_a_summary_and_no_email(settings, capsys):
    settings.ISP_SANDBOX_BASE_URL = "http://127.0.0.1:9/sandbox/monetization"
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.STRIPE_API_BASE = "https://api.stripe.com"  # Stripe itself: no test card saved
    out = io.StringIO()
    call_command("seed_demo", "--days", "10", stdout=out)
    printed = out.getvalue() + capsys.readouterr().out
    assert "Subject:" not in printed
    lines = printed.splitlines()
    # No email reached the console: the only addresses printed are the shop's demo logins.
    assert [line for line in lines if "@example.com" in line and "linked" not in line] == [
        f"  shop login (/shop/no-nicks/): {email} / nonicks-demo"
        for email in ("ava.reed@example.com", "ben.ortiz@example.com", "chloe.martin@example.com")
    ]
    assert lines[0] == "Created demo store 'No Nicks'."
    assert re.fullmatch(
        r"  No Nicks history: \d+ shoppers, \d+ sessions, \d+ orders, \d+ in-skill purchases "
        r"\(0 when kept from before\)",
        lines[3],
    )
    emails = re.fullmatch(
        r"  emails to the demo's shoppers: (\d+), kept back \(not sent\)", lines[5]
    )
    assert emails and int(emails.group(1)) > 0
    # No Stripe here: the cards are skipped, and said so.
    assert lines[9] == (
        "  0 saved test cards (4242 4242 4242 4242); no card saved: "
        "Stripe is not the embedded localstripe"
    )
    assert re.fullmatch(
        r"  linked to Alexa user amzn1\.ask\.account\.NONICKSDEMOLINKED: ava\.reed@example\.com"
        r" \(access token \w{30}\)",
        lines[10],
    )
    assert len(lines) == 14
