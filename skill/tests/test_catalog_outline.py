"""The catalog outline the skill offers choices from: kept per process for
``ALEXA_STORE_CACHE_SECONDS``, cleared at once by a catalog change made in the process, and
reaching other processes (here: a change that sends no signal) within those seconds."""

import itertools

import pytest

from catalog import services as catalog
from catalog.models import Product
from demo.seed import DEMO_SKILL_ID
from skill import process_cache, selectors
from skill.testing.envelopes import Shopper, speech_of

ALL = "Welcome to No Nicks. You can order a starter kit, refills or shaving cream."
NO_CREAM = "Welcome to No Nicks. You can order a starter kit or refills."


class Clock:
    """The process caches' clock, moved by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(process_cache, "monotonic", clock)
    return clock


@pytest.fixture
def welcome(client, demo_store, unverified):
    """What a new shopper hears first (first-visit wording), without the question."""
    shoppers = itertools.count(1)

    def launch() -> str:
        shopper = Shopper(client, DEMO_SKILL_ID, user_id=f"amzn1.ask.account.NEW{next(shoppers)}")
        return speech_of(shopper.launch()).removesuffix(" What would you like?")

    return launch


@pytest.mark.django_db
def test_a_product_saved_in_this_process_reaches_the_next_launch(welcome, clock):
    assert welcome() == ALL
    cream = Product.objects.get(sku="NN-CREAM-6")
    cream.stock = 0
    cream.save()  # as the admin does
    assert welcome() == NO_CREAM


@pytest.mark.django_db
def test_bulk_activation_clears_the_outline_after_commit(
    welcome, clock, django_capture_on_commit_callbacks
):
    cream = Product.objects.filter(sku="NN-CREAM-6")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert catalog.products_set_active(products=cream, active=False) == 1
    assert len(callbacks) == 1
    assert welcome() == NO_CREAM
    with django_capture_on_commit_callbacks(execute=True):
        catalog.products_set_active(products=cream, active=True)
    assert "shaving cream" in welcome()


@pytest.mark.django_db
def test_a_change_made_elsewhere_is_seen_once_the_cache_seconds_pass(welcome, clock, settings):
    settings.ALEXA_STORE_CACHE_SECONDS = 5
    assert welcome() == ALL
    # Another worker sold the last cream: this process got no signal.
    Product.objects.filter(sku="NN-CREAM-6").update(stock=0)
    clock.now += 4.9
    assert "shaving cream" in welcome()
    clock.now += 0.2
    assert "shaving cream" not in welcome()


@pytest.mark.django_db
def test_no_cache_seconds_means_every_launch_reads_the_catalog(welcome, clock, settings):
    settings.ALEXA_STORE_CACHE_SECONDS = 0
    assert welcome() == ALL
    Product.objects.filter(sku="NN-CREAM-6").update(stock=0)
    assert welcome() == NO_CREAM


@pytest.mark.django_db
def test_outlines_are_kept_per_store_and_locale(demo_store, clock):
    def spoken(locale):
        return [
            category.spoken(locale)
            for category in selectors.suggested_categories(
                store=demo_store, customer=None, locale=locale
            )
        ]

    assert spoken("") == ["a starter kit", "refills", "shaving cream"]
    assert spoken("de-DE")[-1] == "Rasiercreme"
    assert selectors._outlines.keys() == {(demo_store.pk, ""), (demo_store.pk, "de-DE")}
