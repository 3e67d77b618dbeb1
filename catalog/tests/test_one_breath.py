"""The one-breath rule is enforced: a product whose pitch does not fit is not activated
unless the editor ticks the override, which is recorded with who and when; the list and the
page show the same seconds; the page warns about missing translations."""

from decimal import Decimal
from html import unescape

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from catalog.models import Product, ProductLocalization
from catalog.tests.factories import CategoryFactory, ProductFactory
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from skill.speech.pitch import product_pitch

pytestmark = pytest.mark.django_db

# "The kit:" (2) + 36 words + "for 9 dollars." (3) = 41 words = 16.4 s.
LONG = " ".join(["blade"] * 36)
TOO_LONG = (
    "The pitch does not fit one breath (en-US: 41 words, about 16.4 s; the limit is 8 s, "
    "20 words at 150 words a minute). Shorten the spoken description, leave the product "
    "inactive, or tick “Activate although the pitch does not fit one breath” under Voice."
)
RECORD = (
    "Activated although the pitch does not fit one breath (override ticked): en-US: 41 words, "
    "about 16.4 s; the limit is 8 s, 20 words at 150 words a minute."
)


@pytest.fixture
def store():
    return StoreFactory(enabled_locales=["en-US"], default_locale="en-US")


@pytest.fixture
def owner(client, store):
    user = MembershipFactory(store=store, role=Role.OWNER).user
    client.force_login(user)
    return user


@pytest.fixture
def long_product(store):
    return ProductFactory(
        store=store, spoken_name="kit", spoken_description=LONG, price=Decimal("9.00"), active=False
    )


def change_url(product):
    return reverse("admin:catalog_product_change", args=[product.pk])


def form_data(product, localizations=(), **changes):
    data = {
        "store": product.store_id,
        "category": product.category_id,
        "name": product.name,
        "sku": product.sku,
        "active": "on",
        "spoken_name": product.spoken_name,
        "spoken_description": product.spoken_description,
        "card_description": "",
        "image_url": "",
        "price": str(product.price),
        "currency": product.currency,
        "stock": str(product.stock),
        "refill_interval_weeks": "",
        "synonyms-TOTAL_FORMS": "0",
        "synonyms-INITIAL_FORMS": "0",
        "synonyms-MIN_NUM_FORMS": "0",
        "synonyms-MAX_NUM_FORMS": "1000",
        "localizations-TOTAL_FORMS": str(len(localizations)),
        "localizations-INITIAL_FORMS": "0",
        "localizations-MIN_NUM_FORMS": "0",
        "localizations-MAX_NUM_FORMS": "1000",
    }
    for n, (locale, name, description) in enumerate(localizations):
        data[f"localizations-{n}-locale"] = locale
        data[f"localizations-{n}-spoken_name"] = name
        data[f"localizations-{n}-spoken_description"] = description
        data[f"localizations-{n}-card_description"] = ""
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def text(response) -> str:
    return unescape(response.content.decode())


def overrides(product):
    return list(
        LogEntry.objects.filter(
            object_id=str(product.pk), change_message__startswith="Activated although"
        ).values_list("user__username", "change_message")
    )


def test_a_41_word_pitch_is_not_activated_without_the_override(client, owner, long_product):
    assert product_pitch(long_product, "en-US").words == 41

    response = client.post(change_url(long_product), form_data(long_product))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"active": [TOO_LONG]}
    long_product.refresh_from_db()
    assert long_product.active is False
    assert overrides(long_product) == []


def test_the_override_activates_it_and_records_who_and_when(client, owner, long_product):
    response = client.post(
        change_url(long_product), form_data(long_product, override_one_breath="on"), follow=True
    )

    assert response.redirect_chain[-1][1] == 302
    long_product.refresh_from_db()
    assert long_product.active is True
    assert overrides(long_product) == [(owner.username, RECORD)]
    shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert (
        "warning",
        f"{long_product.name} is active although its pitch does not fit one breath "
        "(en-US: 41 words, about 16.4 s). Your override is recorded in its history.",
    ) in shown
    entry = LogEntry.objects.get(change_message=RECORD)
    page = text(client.get(change_url(long_product)))
    assert (
        f"Active against the one-breath rule: override by {owner.username} on "
        f"{timezone.localtime(entry.action_time):%Y-%m-%d %H:%M}." in page
    )
    history = text(client.get(reverse("admin:catalog_product_history", args=[long_product.pk])))
    assert RECORD in history

    # Saving it again with the same pitch needs no second override.
    response = client.post(change_url(long_product), form_data(long_product, stock="7"))
    assert response.status_code == 302
    long_product.refresh_from_db()
    assert long_product.stock == 7
    assert len(overrides(long_product)) == 1


def test_making_an_active_products_pitch_too_long_is_refused(client, owner, store):
    product = ProductFactory(store=store, spoken_name="kit", spoken_description="a sharp blade")
    response = client.post(change_url(product), form_data(product, spoken_description=LONG))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"active": [TOO_LONG]}
    product.refresh_from_db()
    assert product.spoken_description == "a sharp blade"


def test_a_new_product_with_a_long_pitch_is_not_added_active(client, owner, store):
    template = ProductFactory.build(
        store=store,
        category=CategoryFactory(store=store),
        spoken_name="kit",
        spoken_description=LONG,
        price=Decimal("9.00"),
    )
    template.pk = None
    before = Product.objects.count()
    response = client.post(reverse("admin:catalog_product_add"), form_data(template))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"active": [TOO_LONG]}
    assert Product.objects.count() == before
    # Inactive, it is added: the rule is about what Alexa may say.
    response = client.post(reverse("admin:catalog_product_add"), form_data(template, active=None))
    assert response.status_code == 302
    assert Product.objects.get(sku=template.sku).active is False


def test_a_german_pitch_that_is_too_long_is_named(client, store):
    store.enabled_locales = ["en-US", "de-DE"]
    store.save()
    client.force_login(MembershipFactory(store=store, role=Role.CATALOG_EDITOR).user)
    product = ProductFactory(
        store=store, spoken_name="kit", spoken_description="a blade", active=False
    )
    german = ("de-DE", "Set", " ".join(["Klinge"] * 30))
    response = client.post(change_url(product), form_data(product, localizations=[german]))
    assert response.status_code == 200
    (error,) = response.context["adminform"].form.errors["active"]
    assert error.startswith(
        "The pitch does not fit one breath (de-DE: 34 words, about 13.6 s; the limit is 8 s"
    )
    assert not ProductLocalization.objects.filter(product=product).exists()


def test_bulk_activation_leaves_out_pitches_that_do_not_fit(client, owner, store, long_product):
    short = ProductFactory(store=store, spoken_name="soap", active=False)
    response = client.post(
        reverse("admin:catalog_product_changelist"),
        {"action": "activate", "_selected_action": [long_product.pk, short.pk]},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [
        "1 product(s) activated.",
        f"Not activated, the pitch does not fit one breath: {long_product.name} (en-US: 41 "
        "words, about 16.4 s). Shorten the spoken description, or open the product and tick "
        "“Activate although the pitch does not fit one breath”.",
    ]
    assert list(Product.objects.filter(store=store, active=True)) == [short]


def test_a_price_in_the_list_that_makes_the_pitch_too_long_is_refused(client, owner, store):
    # "The kit: ... for 9 dollars." is 20 words; "9 dollars and 99 cents" adds three.
    product = ProductFactory(
        store=store, spoken_name="kit", spoken_description=" ".join(["blade"] * 15)
    )
    product.price = Decimal("9.00")
    product.save()
    data = {
        "form-TOTAL_FORMS": "1",
        "form-INITIAL_FORMS": "1",
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        "form-0-id": str(product.pk),
        "form-0-price": "9.99",
        "form-0-stock": "5",
        "_save": "Save",
    }
    response = client.post(reverse("admin:catalog_product_changelist"), data)
    assert response.status_code == 200
    assert (
        "At this price the pitch does not fit one breath (en-US: 23 words, about 9.2 s). "
        "Change it on the product's page, where the override is." in text(response)
    )
    product.refresh_from_db()
    assert product.price == Decimal("9.00")


def test_the_list_shows_the_seconds_the_page_shows(client, demo_store):
    client.force_login(get_user_model().objects.get(username="owner"))
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    listing = client.get(reverse("admin:catalog_product_changelist"))
    row = next(r for r in listing.context["cl"].result_list if r.pk == kit.pk)
    admin_ = listing.context["cl"].model_admin
    assert admin_.speaking_time(row) == "6.4 s"  # not 4.0 s: the description alone
    html = text(listing)
    assert '<td class="field-speaking_time">6.4 s</td>' in html
    assert "4.0 s" not in html
    page = text(client.get(change_url(kit)))
    assert "16 words, about 6.4 s at 150 words a minute: fits in one breath." in page


def test_the_list_names_the_locale_of_the_longest_pitch(client, store, owner):
    store.enabled_locales = ["en-US", "de-DE"]
    store.save()
    product = ProductFactory(store=store, spoken_name="kit", spoken_description="a blade")
    ProductLocalization.objects.create(
        store=store,
        product=product,
        locale="de-DE",
        spoken_name="Set",
        spoken_description="eine Klinge aus Stahl",
    )
    html = text(client.get(reverse("admin:catalog_product_changelist")))
    # de-DE "Set: eine Klinge aus Stahl, für 10 Dollar." (8 words) beats en-US (7).
    assert '<td class="field-speaking_time">3.2 s (de-DE)</td>' in html


def test_the_page_warns_about_each_missing_translation(client, store, owner):
    store.enabled_locales = ["en-US", "en-GB", "de-DE"]
    store.save()
    product = ProductFactory(store=store, spoken_name="kit", spoken_description="a blade")
    page = text(client.get(change_url(product)))
    assert (
        '<small class="pitch-missing">de-DE: no German text yet, so Alexa says the English '
        "name and description to German-speaking shoppers. Add a de-DE translation below."
        "</small>" in page
    )
    assert "en-GB: no" not in page  # English either way
    assert page.count('<small class="pitch-missing" hidden></small>') == 2

    ProductLocalization.objects.create(
        store=store, product=product, locale="de-DE", spoken_name="Set", spoken_description=""
    )
    page = text(client.get(change_url(product)))
    assert (
        '<small class="pitch-missing">de-DE: no German spoken description, so Alexa says the '
        "English one.</small>" in page
    )


def test_the_page_gives_the_live_preview_what_it_needs(client, store, owner, long_product):
    page = text(client.get(change_url(long_product)))
    assert (
        '<div id="pitch-preview" data-rate-wpm="150" data-limit-seconds="8.0" '
        'data-default-locale="en-US">' in page
    )
    assert 'data-template="The {name}: {description}, for {price}."' in page
    assert 'data-template-short="The {name}, for {price}."' in page
    assert 'data-price="9 dollars"' in page
    assert "41 words, about 16.4 s at 150 words a minute: too long for one breath" in page
    assert "/static/portal/pitch_preview.js" in page
