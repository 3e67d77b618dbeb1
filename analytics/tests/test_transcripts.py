"""The transcripts page: what the skill logs of a real session (the shopper's slot values,
the reply in words, the directives, the order), the sessions list with its filters and
search, one session turn by turn, the review mark and the certification case (replayed by
the launch checklist), who may read and who may write, erasure and the purge."""

import html
import re

import pytest
from django.utils import timezone

from analytics.models import SessionReview
from analytics.services import session_reviews_purge
from catalog.models import Product
from demo.seed import DEMO_SKILL_ID
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders.models import Order
from orders.services import customer_erase
from skill.models import Interaction
from skill.testing.envelopes import Shopper, product_slot, speech_of
from skill.tests.conftest import (  # noqa: F401  (fixtures, found by name)
    _fresh_process_state,
    _no_alexa_apis,
)
from voicelab.launch.cases import plan_cases
from voicelab.launch.recorded import RECORDED
from voicelab.launch.runner import play_case
from voicelab.models import RecordedCase

pytestmark = pytest.mark.django_db

SETUP_WORDS = "Amazon Pay Setup: asks for the billing agreement and address"


@pytest.fixture
def talked(client, demo_store, settings):
    """One real session: open the skill, a product word nobody knows, the starter kit, yes
    (the Amazon Pay Setup); then a second session of another shopper that only says hello.
    Unsigned envelopes, as the local voice console posts them."""
    settings.ALEXA_VERIFY_REQUESTS = False
    shopper = Shopper(client, DEMO_SKILL_ID)
    session = shopper.new_session()
    answers = [
        shopper.launch(),
        shopper.say("OrderProductIntent", Product=product_slot(words="unicorn", no_match=True)),
        shopper.say("OrderProductIntent", Product=product_slot(Product.objects.get(sku="NN-KIT"))),
        shopper.yes(),
    ]
    other = Shopper(client, DEMO_SKILL_ID, user_id="amzn1.ask.account.SHOPPER2")
    other.new_session()
    other.launch()
    client.logout()
    return session, answers


@pytest.fixture
def owner(client, demo_store):
    user = MembershipFactory(store=demo_store, role=Role.OWNER).user
    client.force_login(user)
    return user


def text(page: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def list_url(store) -> str:
    return f"/transcripts/{store.slug}/"


def session_url(store, session_id: str) -> str:
    return f"/transcripts/{store.slug}/sessions/{session_id}/"


def test_the_skill_logs_each_turns_words_directives_and_order(talked, demo_store):
    session, answers = talked
    rows = list(Interaction.objects.filter(session_id=session).order_by("created_at", "pk"))
    assert [r.request_type for r in rows] == ["LaunchRequest", *["IntentRequest"] * 3]
    assert [r.reply for r in rows] == [speech_of(a) for a in answers]
    assert rows[1].slots == {"Product": "unicorn"}
    assert rows[1].outcome == "clarify_product"
    assert rows[2].slots == {"Product": str(Product.objects.get(sku="NN-KIT").pk)}
    assert [r.directives for r in rows] == [[], [], [], ["Connections.SendRequest:Setup"]]
    cart = Order.objects.get(customer=rows[3].customer)
    assert rows[3].order_id == cart.pk


def test_the_list_shows_each_session_and_filters_it(talked, demo_store, owner, client):
    session, _ = talked
    page = client.get(list_url(demo_store))
    assert page.status_code == 200
    rows = page.context["rows"]
    assert len(rows) == 2
    mine = next(r for r in rows if r.session_id == session)
    assert (mine.turns, mine.unmatched, mine.purchases, mine.errors, mine.locale) == (
        4,
        1,
        0,
        0,
        "en-US",
    )
    assert mine.channel == "Alexa"

    def sessions(**params):
        return [r.session_id for r in client.get(list_url(demo_store), params).context["rows"]]

    assert sessions(show="unmatched") == [session]
    assert sessions(words="Unicorn ") == [session]
    assert sessions(words="dragon") == []
    assert sessions(show="purchases") == []
    assert sessions(show="declined") == []
    assert sessions(locale="de-DE") == []
    assert sessions(channel="console") == []
    cart = Order.objects.get(customer__alexa_user_id="amzn1.ask.account.SHOPPER1")
    assert sessions(q=cart.number) == [session]
    assert sessions(q="no such shopper") == []


def test_a_future_or_backwards_range_is_refused_in_words(talked, demo_store, owner, client):
    today = timezone.localdate()
    page = client.get(list_url(demo_store), {"end": "2999-01-01"})
    assert page.status_code == 200
    assert "The last day is in the future" in text(page.content.decode())
    assert len(page.context["rows"]) == 2  # the default range instead
    page = client.get(list_url(demo_store), {"start": today.isoformat(), "end": "2020-01-01"})
    assert "The last day is before the first day." in text(page.content.decode())


def test_a_session_reads_turn_by_turn_in_words(talked, demo_store, owner, client):
    session, answers = talked
    page = client.get(session_url(demo_store, session))
    assert page.status_code == 200
    turns = page.context["session"].turns
    assert [t.request for t in turns] == [
        "Opens the skill",
        "Order product",
        "Order product",
        "Yes",
    ]
    assert turns[1].heard == [("Product", "unicorn")]
    assert turns[1].flags == ["not understood"]
    assert turns[2].heard == [("Product", "No Nicks Starter Kit (matched)")]
    assert turns[3].directives == [SETUP_WORDS]
    body = text(page.content.decode())
    assert speech_of(answers[1]) in body
    assert SETUP_WORDS in body
    assert "Turn into a certification case" in body
    assert client.get(session_url(demo_store, "no-such-session")).status_code == 404


def test_review_mark_and_note(talked, demo_store, owner, client):
    session, _ = talked
    response = client.post(
        f"{session_url(demo_store, session)}review/",
        {"needs_review": "on", "note": " The shopper wanted a unicorn. "},
    )
    assert response.status_code == 302
    review = SessionReview.objects.get(store=demo_store, session_id=session)
    assert (review.needs_review, review.note, review.updated_by) == (
        True,
        "The shopper wanted a unicorn.",
        owner,
    )
    rows = client.get(list_url(demo_store), {"show": "review"}).context["rows"]
    assert [r.session_id for r in rows] == [session]
    client.post(f"{session_url(demo_store, session)}review/", {"note": "Fine after all."})
    review.refresh_from_db()
    assert (review.needs_review, review.note) == (False, "Fine after all.")
    assert SessionReview.objects.count() == 1
    assert client.get(list_url(demo_store), {"show": "review"}).context["rows"] == []


def test_a_session_becomes_a_certification_case_the_checklist_plays(
    talked, demo_store, owner, client
):
    session, answers = talked
    response = client.post(
        f"{session_url(demo_store, session)}certification-case/", {"title": "Unicorn then kit"}
    )
    assert response.status_code == 302
    case = RecordedCase.objects.get(store=demo_store)
    assert (case.title, case.locale, case.session_id, case.created_by) == (
        "Unicorn then kit",
        "en-US",
        session,
        owner,
    )
    assert [(s["request_type"], s["intent"]) for s in case.steps] == [
        ("LaunchRequest", ""),
        ("IntentRequest", "OrderProductIntent"),
        ("IntentRequest", "OrderProductIntent"),
        ("IntentRequest", "AMAZON.YesIntent"),
    ]
    assert [s["expect_reply"] for s in case.steps] == [speech_of(a) for a in answers]
    assert case.steps[3]["expect_directives"] == ["Connections.SendRequest:Setup"]

    plan = plan_cases(demo_store)
    recorded = [c for c in plan.cases if c.group == RECORDED]
    assert [(c.key, c.title) for c in recorded] == [(f"recorded_{case.pk}", "Unicorn then kit")]
    result = play_case(
        plan, recorded[0], user_id="amzn1.ask.account.replay", device_id="amzn1.ask.device.x"
    )
    assert (result["status"], result["failures"]) == ("passed", [])
    # Each turn: its words (the Setup's turn says none) and its directives.
    assert len(result["expectations"]) == 7

    # A changed answer fails the case, in words.
    case.steps[1]["expect_reply"] = "Something else."
    case.save()
    plan = plan_cases(demo_store)
    replay = next(c for c in plan.cases if c.group == RECORDED)
    result = play_case(plan, replay, user_id="amzn1.ask.account.replay2", device_id="d")
    assert result["status"] == "failed"
    assert result["failures"][0].startswith('Turn 2: the skill says "Something else.": Alexa said')


@pytest.mark.parametrize("role", [Role.SUPPORT_AGENT, Role.CATALOG_EDITOR])
def test_support_reads_but_does_not_write_and_editors_do_not_read(talked, demo_store, client, role):
    session, _ = talked
    client.force_login(MembershipFactory(store=demo_store, role=role).user)
    readable = 200 if role == Role.SUPPORT_AGENT else 403
    assert client.get(list_url(demo_store)).status_code == readable
    page = client.get(session_url(demo_store, session))
    assert page.status_code == readable
    if readable == 200:
        assert "Turn into a certification case" not in page.content.decode()
    assert (
        client.post(f"{session_url(demo_store, session)}review/", {"note": "x"}).status_code == 403
    )
    assert (
        client.post(f"{session_url(demo_store, session)}certification-case/", {}).status_code == 403
    )
    assert not SessionReview.objects.exists()
    assert not RecordedCase.objects.exists()


def test_another_stores_sessions_are_not_found(talked, demo_store, client):
    session, _ = talked
    client.force_login(MembershipFactory(store=StoreFactory(), role=Role.OWNER).user)
    assert client.get(list_url(demo_store)).status_code == 404
    assert client.get(session_url(demo_store, session)).status_code == 404
    assert client.post(f"{session_url(demo_store, session)}review/", {}).status_code == 404
    assert not SessionReview.objects.exists()


def test_the_list_reads_in_a_fixed_number_of_queries(
    talked, demo_store, owner, client, django_assert_num_queries
):
    # Session and user, the store, the portal header's memberships, the count, the page of
    # sessions, their shoppers, their reviews, and "another store?".
    with django_assert_num_queries(9):
        assert client.get(list_url(demo_store)).status_code == 200


def test_erasure_removes_the_shoppers_words(talked, demo_store):
    session, _ = talked
    customer = Interaction.objects.filter(session_id=session).last().customer
    customer_erase(customer=customer, actor=None)
    rows = Interaction.objects.filter(session_id=session)
    assert {(str(r.slots), r.reply) for r in rows} == {("{}", "")}
    assert [r.intent for r in rows.order_by("created_at", "pk")][1:] == [
        "OrderProductIntent",
        "OrderProductIntent",
        "AMAZON.YesIntent",
    ]


def test_a_review_goes_with_its_purged_session(talked, demo_store):
    session, _ = talked
    SessionReview.objects.create(store=demo_store, session_id=session, note="look")
    assert session_reviews_purge(store=demo_store) == 0
    Interaction.objects.filter(session_id=session).delete()
    assert session_reviews_purge(store=demo_store) == 1
    assert not SessionReview.objects.exists()


def test_links_from_the_order_page_and_the_dashboard(talked, demo_store, owner, client):
    cart = Order.objects.get(customer__alexa_user_id="amzn1.ask.account.SHOPPER1")
    page = client.get(f"/support/orders/{cart.pk}/").content.decode()
    assert f'href="/transcripts/{demo_store.slug}/?q={cart.number}' in page
    dashboard = client.get(f"/dashboard/{demo_store.slug}/").content.decode()
    session, _ = talked
    assert f'href="/transcripts/{demo_store.slug}/?words=unicorn' in dashboard
    assert "Opens the skill" in dashboard


def test_words_heard_with_extra_spaces_or_signs_are_found_as_the_dashboard_shows_them(
    client, demo_store, owner, settings
):
    settings.ALEXA_VERIFY_REQUESTS = False
    said = {}
    for user, words in (("SPACES", "Beard  Oil "), ("SIGNS", "c++ (kit)"), ("PLAIN", "beard")):
        shopper = Shopper(client, DEMO_SKILL_ID, user_id=f"amzn1.ask.account.{user}")
        said[words] = shopper.new_session()
        shopper.say("OrderProductIntent", Product=product_slot(words=words, no_match=True))
    client.force_login(owner)

    def sessions(words):
        page = client.get(list_url(demo_store), {"words": words})
        return sorted(r.session_id for r in page.context["rows"])

    assert sessions("beard oil") == [said["Beard  Oil "]]
    assert sessions("BEARD") == [said["beard"]]
    assert sessions("c++ (kit)") == [said["c++ (kit)"]]
    assert sessions("c+ (kit)") == []
    assert sessions("   ") == sorted(said.values())
