"""The dashboard's two actions: adding an unmatched word as a synonym (the catalog service:
validated in words, audited, counted in the catalog revision) and ending an upsell
experiment with a winner. Owners only, by POST with the CSRF token; a refusal changes
nothing."""

import json

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.test import Client

from catalog.models import ProductSynonym
from catalog.selectors import catalog_revision
from catalog.services import product_synonym_add
from catalog.signals import catalog_changed
from catalog.tests.factories import ProductFactory, SynonymFactory
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory

from .dashboard_shop import NOW, RANGE, build_shop

pytestmark = pytest.mark.django_db

PAGE = "/dashboard/shop/"
SYNONYMS = "/dashboard/shop/synonyms/"


@pytest.fixture
def shop():
    with time_machine.travel(NOW, tick=False):
        yield build_shop()


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


# The catalog service ---------------------------------------------------------------------------


def test_a_synonym_is_added_audited_and_counted(shop, django_capture_on_commit_callbacks):
    heard = []

    def receiver(sender, store_id, **kwargs):
        heard.append(store_id)

    revision = catalog_revision(store_id=shop.store.pk)
    catalog_changed.connect(receiver, dispatch_uid="test-dashboard-synonym")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            synonym = product_synonym_add(
                product=shop.kit, value="  beard   oil ", locale="en-US", actor=shop.owner
            )
    finally:
        catalog_changed.disconnect(dispatch_uid="test-dashboard-synonym")
    assert (synonym.store, synonym.product, synonym.locale, synonym.value) == (
        shop.store,
        shop.kit,
        "en-US",
        "beard oil",
    )
    assert catalog_revision(store_id=shop.store.pk) == revision + 1
    entry = LogEntry.objects.get()
    assert (entry.user, entry.object_id, entry.action_flag, entry.object_repr) == (
        shop.owner,
        str(shop.kit.pk),
        CHANGE,
        "Starter Kit",
    )
    assert json.loads(entry.change_message) == [
        {"added": {"name": "product synonym", "object": "beard oil"}}
    ]
    assert entry.get_change_message() == "Added product synonym “beard oil”."
    assert heard == [shop.store.pk]


@pytest.mark.parametrize(
    "value, locale, field, message",
    [
        ("", "", "value", "Say which words to add: the synonym is empty."),
        ("   \t ", "", "value", "Say which words to add: the synonym is empty."),
        ("x" * 141, "", "value", "A synonym has at most 140 characters."),
        ("Razor", "en-US", "value", "“Razor” already exists as a synonym of Starter Kit."),
        ("RAZOR", "", "value", "“RAZOR” already exists as a synonym of Starter Kit."),
        ("blades", "en-GB", "value", "“blades” already exists as a synonym of Shaving Cream."),
        ("shaving cream", "", "value", "“shaving cream” is already the name of Shaving Cream."),
        ("beard oil", "fr-FR", "locale", "The store's skill does not speak fr-FR."),
    ],
)
def test_a_synonym_is_refused_in_words(shop, value, locale, field, message):
    SynonymFactory(product=shop.kit, value="razor", locale="en-US")
    SynonymFactory(product=shop.cream, value="Blades", locale="")
    revision = catalog_revision(store_id=shop.store.pk)
    count = ProductSynonym.objects.count()
    with pytest.raises(ValidationError) as refused:
        product_synonym_add(product=shop.kit, value=value, locale=locale, actor=shop.owner)
    assert refused.value.message_dict == {field: [message]}
    assert ProductSynonym.objects.count() == count
    assert catalog_revision(store_id=shop.store.pk) == revision
    assert not LogEntry.objects.exists()


def test_the_same_words_in_another_store_are_fine(shop):
    other = ProductFactory(store=StoreFactory())
    SynonymFactory(product=other, value="beard oil", locale="")
    product_synonym_add(product=shop.kit, value="beard oil", actor=shop.owner)
    assert ProductSynonym.objects.filter(store=shop.store, value="beard oil").count() == 1


# The page's form -------------------------------------------------------------------------------


def test_the_owner_adds_an_unmatched_word_in_one_click(client, shop):
    client.force_login(shop.owner)
    with time_machine.travel(NOW, tick=False):
        response = client.post(
            SYNONYMS,
            {**RANGE, "words": "beard oil", "locale": "en-US", "product": shop.kit.pk},
            follow=True,
        )
    assert response.redirect_chain == [
        (f"{PAGE}?range=custom&start=2026-11-16&end=2026-11-20#unheard", 302)
    ]
    assert _messages(response) == [
        "“beard oil” is now a synonym of Starter Kit (en-US). The skill package is stale: "
        "download it again and deploy it so Alexa hears the new words."
    ]
    page = response.content.decode()
    assert "Now a synonym of Starter Kit" in page
    assert 'id="package-stale"' in page
    assert LogEntry.objects.get().user == shop.owner


def test_a_refused_synonym_says_why_and_adds_nothing(client, shop):
    SynonymFactory(product=shop.cream, value="beard oil", locale="en-US")
    client.force_login(shop.owner)
    response = client.post(
        SYNONYMS,
        {**RANGE, "words": "Beard Oil", "locale": "en-US", "product": shop.kit.pk},
        follow=True,
    )
    assert _messages(response) == ["“Beard Oil” already exists as a synonym of Shaving Cream."]
    assert ProductSynonym.objects.filter(product=shop.kit).count() == 0
    response = client.post(SYNONYMS, {"words": "beard oil", "locale": "en-US"}, follow=True)
    assert _messages(response) == ["Choose the product these words name."]


def test_another_stores_product_cannot_be_chosen(client, shop):
    elsewhere = ProductFactory(store=StoreFactory())
    client.force_login(shop.owner)
    response = client.post(
        SYNONYMS, {"words": "beard oil", "locale": "en-US", "product": elsewhere.pk}, follow=True
    )
    assert _messages(response) == [
        "Select a valid choice. That choice is not one of the available choices."
    ]
    assert not ProductSynonym.objects.exists()


def test_only_owners_add_synonyms_and_only_with_the_csrf_token(client, shop):
    data = {"words": "beard oil", "locale": "en-US", "product": shop.kit.pk}
    support = MembershipFactory(store=shop.store, role=Role.SUPPORT_AGENT, can_refund=True).user
    client.force_login(support)
    assert client.post(SYNONYMS, data).status_code == 403
    client.force_login(MembershipFactory(role=Role.OWNER).user)
    assert client.post(SYNONYMS, data).status_code == 404
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(shop.owner)
    assert checked.post(SYNONYMS, data).status_code == 403
    assert client.get(SYNONYMS).status_code == 405
    assert not ProductSynonym.objects.exists()


# Ending an experiment --------------------------------------------------------------------------


def test_the_owner_ends_a_running_experiment_with_a_winner(client, shop):
    client.force_login(shop.owner)
    url = f"/dashboard/shop/experiments/{shop.running.pk}/end/"
    response = client.post(url, {**RANGE, "winner": "b"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("#experiments")
    shop.running.refresh_from_db()
    assert (shop.running.winner, shop.running.ended_by, shop.running.running) == (
        "b",
        shop.owner,
        False,
    )
    assert _messages(response) == [
        "The experiment on pro_pack has ended: arm B won, and its suggestion applies from now on."
    ]
    assert 'name="winner"' not in response.content.decode()
    # Ending it again changes nothing.
    again = client.post(url, {"winner": "a"}, follow=True)
    assert _messages(again) == ["The experiment on pro_pack has already ended."]
    shop.running.refresh_from_db()
    assert shop.running.winner == "b"


def test_an_experiment_is_ended_only_by_its_owners_with_a_real_arm(client, shop):
    url = f"/dashboard/shop/experiments/{shop.running.pk}/end/"
    client.force_login(MembershipFactory(store=shop.store, role=Role.SUPPORT_AGENT).user)
    assert client.post(url, {"winner": "a"}).status_code == 403
    client.force_login(MembershipFactory(role=Role.OWNER).user)
    assert client.post(url, {"winner": "a"}).status_code == 404
    client.force_login(shop.owner)
    other = StoreFactory(slug="other")
    MembershipFactory(user=shop.owner, store=other)
    assert client.post(f"/dashboard/other/experiments/{shop.running.pk}/end/").status_code == 404
    response = client.post(url, {"winner": "c"}, follow=True)
    assert _messages(response) == ["Select a valid choice. c is not one of the available choices."]
    shop.running.refresh_from_db()
    assert shop.running.running
