"""The conversations rolled up per day (paths, fallbacks, the Amazon Pay funnel, the product
words): the dashboard reads the same figures from them as from the raw log, over any range
(sessions past midnight, a range starting inside one, today read raw, a day rolled up before
the conversations were, two locales, another store's rows never counted); rolling up again
replaces a day; an erasure takes the shopper's words out of the rollups; the purge takes the
words and the session ids with the raw log."""

import re
from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from analytics import conversations, periods, services
from analytics.dashboard import conversation_reads, reads
from analytics.models import (
    DailyFallbackCount,
    DailyPathCount,
    DailyProductWords,
    DailyRollup,
    DailySessionPart,
)
from merchant.tests.factories import StoreFactory
from orders.services import customer_erase
from orders.tests.factories import CustomerFactory
from skill.models import Interaction

from .dashboard_shop import END, NOW, RANGE, START, build_shop
from .factories import InteractionFactory, launch, session_ended, utc
from .test_dashboard import PAGE_QUERIES

pytestmark = pytest.mark.django_db

URL = "/dashboard/shop/"
TODAY = NOW.date()  # 20 November in Los Angeles too (10:00)
RANGES = [
    (START, END),  # 16-20: rolled-up days and today
    (date(2026, 11, 17), date(2026, 11, 19)),  # closed days only
    (date(2026, 11, 19), END),  # a session from the 19th into today
    (date(2026, 11, 16), date(2026, 11, 16)),  # a session that began the day before
    (date(2026, 11, 15), date(2026, 11, 16)),
    (date(2026, 11, 18), date(2026, 11, 18)),  # a session that runs on after the range
    (END, END),  # today alone
    (date(2026, 11, 1), END),
]


@pytest.fixture
def now():
    with time_machine.travel(NOW, tick=False):
        yield NOW


def turn(store, customer, session, at, intent, outcome, **kwargs):
    return InteractionFactory(
        store=store,
        customer=customer,
        session_id=session,
        intent=intent,
        outcome=outcome,
        at=at,
        **kwargs,
    )


def talk_past_midnight(shop):
    """Sessions across the store's midnights (Los Angeles: 08:00Z), words in two locales,
    and today's own session."""
    store, a, b, c = shop.store, shop.a, shop.b, shop.c
    # M1, German: from the 18th into the 19th; a fallback after midnight, the request
    # before it the day before.
    launch(store=store, customer=b, session_id="M1", outcome="welcome", at=utc(2026, 11, 19, 7, 58))
    turn(
        store,
        b,
        "M1",
        utc(2026, 11, 19, 7, 59),
        "OrderProductIntent",
        "clarify_product",
        locale="de-DE",
        slots={"Product": "Rasier Gel"},
    )
    turn(store, b, "M1", utc(2026, 11, 19, 8, 1), "AMAZON.FallbackIntent", "fallback")
    session_ended(
        "USER_INITIATED", store=store, customer=b, session_id="M1", at=utc(2026, 11, 19, 8, 2)
    )
    # M2: from the 19th into today, handed to Amazon Pay today.
    launch(store=store, customer=c, session_id="M2", outcome="welcome", at=utc(2026, 11, 20, 7, 59))
    kit = str(shop.kit.pk)
    turn(
        store,
        c,
        "M2",
        utc(2026, 11, 20, 8, 1),
        "OrderProductIntent",
        "pitch",
        slots={"Product": kit},
    )
    turn(store, c, "M2", utc(2026, 11, 20, 8, 2), "AMAZON.FallbackIntent", "fallback")
    turn(store, c, "M2", utc(2026, 11, 20, 8, 3), "AMAZON.YesIntent", "charge_sent")
    # M3: launched on the 15th, lost just after midnight.
    launch(store=store, customer=a, session_id="M3", outcome="welcome", at=utc(2026, 11, 16, 7, 58))
    turn(store, a, "M3", utc(2026, 11, 16, 8, 1), "AMAZON.FallbackIntent", "fallback")
    turn(store, a, "M3", utc(2026, 11, 16, 8, 2), "AMAZON.StopIntent", "goodbye")
    # M4: the same words as S2 and S3, in German; M5 today, in English.
    for session, at, locale in [("M4", utc(2026, 11, 17, 20), "de-DE"), ("M5", NOW, "en-US")]:
        launch(
            store=store,
            customer=c,
            session_id=session,
            outcome="welcome",
            at=at - timedelta(minutes=1),
        )
        turn(
            store,
            c,
            session,
            at,
            "ProductInfoIntent",
            "clarify_product",
            locale=locale,
            slots={"Product": "beard OIL"},
        )


def another_store_talks():
    """A store in the same time zone with the same words and paths: never counted."""
    other = StoreFactory(time_zone="America/Los_Angeles")
    customer = CustomerFactory(store=other)
    for n, at in enumerate([utc(2026, 11, 18, 20), utc(2026, 11, 20, 7, 59), NOW]):
        launch(store=other, customer=customer, session_id=f"M{n + 1}", outcome="welcome", at=at)
        turn(
            other,
            customer,
            f"M{n + 1}",
            at + timedelta(minutes=2),
            "OrderProductIntent",
            "clarify_product",
            slots={"Product": "beard oil"},
        )
        turn(
            other,
            customer,
            f"M{n + 1}",
            at + timedelta(minutes=3),
            "AMAZON.FallbackIntent",
            "fallback",
        )
    return other


@pytest.fixture
def shop(now):
    shop = build_shop()
    talk_past_midnight(shop)
    shop.other = another_store_talks()
    return shop


def raw_reads(store, first, last):
    """What the dashboard showed before the rollups: the raw log over the whole range."""
    span = periods.span(store, first, last)
    return (
        reads.paths(store, *span),
        reads.fallback_contexts(store, *span),
        reads.request_reads(store, *span),
    )


def rolled_reads(store, first, last):
    days = conversation_reads.conversation_days(store, first, last, now=NOW)
    return (
        conversation_reads.paths(store, days),
        conversation_reads.fallback_contexts(store, days),
        conversation_reads.request_reads(store, days),
    )


def roll_up(store, first=date(2026, 11, 1), last=date(2026, 11, 19)):
    return services.store_rollup_days(store=store, first=first, last=last, now=NOW)


def test_the_raw_reads_see_the_sessions_past_midnight(shop):
    """The figures the rollups must give back, read from the raw log."""
    paths, fallbacks, requests = raw_reads(shop.store, START, END)
    ends = {(p.steps, p.end): (p.sessions, p.example) for p in paths}
    assert ends[(("Launch", "OrderProductIntent", "AMAZON.FallbackIntent"), "user_ended")] == (
        2,
        "M1",
    )
    assert ends[
        (
            ("Launch", "OrderProductIntent", "AMAZON.FallbackIntent", "AMAZON.YesIntent"),
            "amazon_pay",
        )
    ] == (1, "M2")
    assert (("AMAZON.FallbackIntent", "AMAZON.StopIntent"), "skill_ended") not in ends  # M3
    found = [(f.step, f.outcome, f.times) for f in fallbacks]
    assert found[0] == ("OrderProductIntent", "clarify_product", 2)  # S2, and M1's the day before
    assert sorted(found[1:]) == [  # ties in the database's order (an empty context: its own)
        ("(the session's first request)", "", 1),  # M3 launched the day before the range
        ("AMAZON.FallbackIntent", "fallback", 1),
        ("AMAZON.HelpIntent", "help_idle", 1),
        ("OrderProductIntent", "pitch", 1),
    ]
    assert [(w.words, w.locale, w.times) for w in requests.unheard] == [
        ("beard oil", "en-US", 3),
        ("beard oil", "de-DE", 1),
        ("rasier gel", "de-DE", 1),
    ]
    assert requests.funnel == {
        "launch": 8,
        "pitch": 2,
        "summary": 1,
        "charge_sent": 2,
        "order_placed": 1,
        "declined": 0,
    }


@pytest.mark.parametrize("first,last", RANGES)
def test_the_rolled_up_reads_equal_the_raw_reads(shop, first, last):
    before = raw_reads(shop.store, first, last)
    other_before = raw_reads(shop.other, first, last)
    assert roll_up(shop.store) == periods.days(date(2026, 11, 1), date(2026, 11, 19))
    roll_up(shop.other)
    assert rolled_reads(shop.store, first, last) == before
    assert rolled_reads(shop.other, first, last) == other_before
    # The closed days come from the rollups: their raw rows may be gone.
    Interaction.objects.filter(created_at__lt=periods.day_start(shop.store, TODAY)).delete()
    assert rolled_reads(shop.store, first, last) == before
    assert rolled_reads(shop.other, first, last) == other_before


@pytest.mark.parametrize("first,last", RANGES)
def test_a_day_rolled_up_before_its_conversations_is_read_raw(shop, first, last):
    """A day rolled up before the conversations were (its funnel null, no rows of its
    own) is read from the raw log between rolled-up days."""
    before = raw_reads(shop.store, first, last)
    roll_up(shop.store)
    eighteenth = date(2026, 11, 18)
    DailyRollup.objects.filter(store=shop.store, day=eighteenth).update(amazon_pay_funnel=None)
    for model in (DailyPathCount, DailySessionPart, DailyFallbackCount, DailyProductWords):
        model.objects.filter(store=shop.store, day=eighteenth).delete()
    days = conversation_reads.conversation_days(shop.store, first, last, now=NOW)
    assert (eighteenth in days.raw) == (first <= eighteenth <= last)
    assert rolled_reads(shop.store, first, last) == before


def test_the_other_databases_way_gives_the_same_answer(shop):
    """Paths joined here (no ordered string aggregate) and fallbacks by a window, as SQLite
    reads them, for the rollups and for the dashboard alike."""
    days = periods.days(date(2026, 11, 1), date(2026, 11, 19))
    in_sql = conversations.of_days(shop.store, days)
    here = conversations.of_days(shop.store, days, in_sql=False)

    def kept(talk):
        return sorted(talk.paths, key=repr), talk.parts, talk.fallbacks, talk.words, talk.funnel

    assert {d: kept(t) for d, t in here.items()} == {d: kept(t) for d, t in in_sql.items()}
    assert here[date(2026, 11, 18)].parts == {
        "M1": conversations.Fragment("Launch\tOrderProductIntent", 0, 0, True)
    }
    roll_up(shop.store)
    for first, last in RANGES:
        found = conversation_reads.conversation_days(shop.store, first, last, now=NOW)
        joined = conversation_reads.paths_joined_here(shop.store, found)
        paths = conversation_reads.paths(shop.store, found)
        assert sorted(joined, key=repr) == sorted(paths, key=repr)
        assert conversation_reads.fallback_contexts(
            shop.store, found, lateral=False
        ) == conversation_reads.fallback_contexts(shop.store, found)


def test_the_rows_a_day_keeps(shop):
    roll_up(shop.store)
    day = date(2026, 11, 18)
    assert DailyRollup.objects.get(store=shop.store, day=day).amazon_pay_funnel == {
        "launch": 3,
        "pitch": 0,
        "summary": 0,
        "charge_sent": 0,
        "order_placed": 0,
        "declined": 0,
    }
    assert sorted(
        DailyPathCount.objects.filter(store=shop.store, day=day).values_list(
            "path", "ending", "handoff", "sessions", "example"
        )
    ) == [
        ("Launch\tOrderProductIntent\tAMAZON.FallbackIntent", 1, 0, 1, "S2"),
        ("Launch\tProductInfoIntent\tOrderProductIntent", 2, 0, 1, "S3"),
    ]
    # M1 ran past midnight: a part on each day, the steps of each.
    assert list(
        DailySessionPart.objects.filter(store=shop.store, session_id="M1")
        .order_by("day")
        .values_list("day", "path", "ending", "launched")
    ) == [
        (day, "Launch\tOrderProductIntent", 0, True),
        (date(2026, 11, 19), "AMAZON.FallbackIntent", 1, False),
    ]
    assert list(
        DailyFallbackCount.objects.filter(store=shop.store, day=date(2026, 11, 19))
        .order_by("request_type", "intent", "outcome")
        .values_list("before_day", "request_type", "intent", "outcome", "times")
    ) == [
        (date(2026, 11, 19), "IntentRequest", "AMAZON.FallbackIntent", "fallback", 1),
        (date(2026, 11, 19), "IntentRequest", "AMAZON.HelpIntent", "help_idle", 1),
        (day, "IntentRequest", "OrderProductIntent", "clarify_product", 1),
    ]
    assert sorted(
        DailyProductWords.objects.filter(store=shop.store).values_list(
            "day", "words", "locale", "asked", "unavailable", "unheard"
        )
    ) == [
        (date(2026, 11, 12), str(shop.kit.pk), "en-US", 1, 0, 0),
        (date(2026, 11, 17), str(shop.kit.pk), "en-US", 1, 0, 0),
        (date(2026, 11, 17), "beard oil", "de-DE", 1, 0, 1),
        (day, str(shop.cream.pk), "en-US", 1, 1, 0),
        (day, "beard oil", "en-US", 2, 0, 2),
        (day, "rasier gel", "de-DE", 1, 0, 1),
    ]
    assert not DailyProductWords.objects.filter(words="console words").exists()


def test_rolling_up_again_replaces_a_day(shop):
    roll_up(shop.store)

    def kept():
        return [
            sorted(model.objects.filter(store=shop.store).values_list(*fields))
            for model, fields in [
                (DailyPathCount, ["day", "path", "ending", "handoff", "sessions", "example"]),
                (DailySessionPart, ["day", "session_id", "path", "ending", "handoff", "launched"]),
                (
                    DailyFallbackCount,
                    ["day", "before_day", "request_type", "intent", "outcome", "times"],
                ),
                (DailyProductWords, ["day", "words", "locale", "asked", "unavailable", "unheard"]),
            ]
        ] + [
            list(
                DailyRollup.objects.filter(store=shop.store).values_list("day", "amazon_pay_funnel")
            )
        ]

    first = kept()
    roll_up(shop.store)
    assert kept() == first
    # A late row: the next run counts it, and nothing of the day's earlier count stays.
    turn(shop.store, shop.a, "S4", utc(2026, 11, 19, 20, 5), "AMAZON.FallbackIntent", "fallback")
    roll_up(shop.store, first=date(2026, 11, 19), last=date(2026, 11, 19))
    nineteenth = DailyPathCount.objects.filter(store=shop.store, day=date(2026, 11, 19))
    assert list(nineteenth.values_list("path", "sessions")) == [
        (
            "Launch\tAMAZON.HelpIntent\tAMAZON.FallbackIntent\tAMAZON.FallbackIntent"
            "\tAMAZON.StopIntent\tAMAZON.FallbackIntent",
            1,
        )
    ]
    assert rolled_reads(shop.store, START, END) == raw_reads(shop.store, START, END)


def test_the_dashboard_shows_the_same_page_from_the_rollups(shop, client):
    """Every figure, table and link of the page, before and after the days are rolled up."""
    client.force_login(shop.owner)

    def page(params):
        content = client.get(URL, params).content.decode()
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", content)

    ranges = [
        RANGE,
        {"range": "7"},
        {"range": "today"},
        {"range": "custom", "start": "2026-11-18", "end": "2026-11-19"},
    ]
    before = [page(params) for params in ranges]
    roll_up(shop.store, first=date(2026, 8, 1))
    assert [page(params) for params in ranges] == before


@pytest.mark.parametrize("params", [RANGE, {"range": "90"}])
def test_the_page_takes_as_many_queries_from_the_rollups(shop, client, params):
    client.force_login(shop.owner)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(URL, params).status_code == 200
        return len(queries)

    assert count() == PAGE_QUERIES
    roll_up(shop.store, first=date(2026, 8, 1))
    rolled = count()
    # As many as when only the headline numbers were rolled up (which read the rolled-up
    # days' intent counts in one query more than the raw log's days). Databases without an
    # ordered string aggregate read the paths' rolled-up parts and counts apart (two more).
    DailyRollup.objects.filter(store=shop.store).update(amazon_pay_funnel=None)
    assert count() == PAGE_QUERIES + 1
    assert rolled == PAGE_QUERIES + 1 + (0 if connection.vendor == "postgresql" else 2)


def test_the_links_into_the_transcripts_work_from_rolled_up_days(shop, client):
    roll_up(shop.store)
    client.force_login(shop.owner)
    page = client.get(URL, RANGE).content.decode()
    sessions = re.findall(r'href="/transcripts/shop/sessions/([^"/]+)/"', page)
    assert sorted(sessions) == ["M1", "M2", "M4", "S1", "S3", "S4"]
    for session_id in sessions:
        response = client.get(f"/transcripts/shop/sessions/{session_id}/")
        assert response.status_code == 200
        assert session_id in response.content.decode()
    words = re.search(r'href="(/transcripts/shop/\?words=rasier%20gel[^"]*)"', page)
    assert words, "the words' link"
    listed = client.get(words.group(1).replace("&amp;", "&")).content.decode()
    assert "/transcripts/shop/sessions/M1/" in listed
    assert "/transcripts/shop/sessions/S2/" not in listed


def test_an_erasure_takes_the_shoppers_words_out_of_the_rollups(shop):
    roll_up(shop.store)
    assert DailyProductWords.objects.filter(store=shop.store, words="rasier gel").exists()
    customer_erase(customer=shop.b)  # M1's shopper
    assert not DailyProductWords.objects.filter(store=shop.store, words="rasier gel").exists()
    # The others' words stay, the funnel and paths too; and the dashboard reads what the raw
    # log (blanked) says, for every range.
    assert DailyProductWords.objects.filter(store=shop.store, words="beard oil").count() == 2
    for first, last in RANGES:
        assert rolled_reads(shop.store, first, last) == raw_reads(shop.store, first, last)
    roll_up(shop.store)  # the next run agrees
    for first, last in RANGES:
        assert rolled_reads(shop.store, first, last) == raw_reads(shop.store, first, last)


def test_the_purge_takes_the_words_and_session_ids_with_the_raw_log(shop, settings):
    roll_up(shop.store)
    roll_up(shop.other)
    other_words = DailyProductWords.objects.filter(store=shop.other).count()
    settings.ANALYTICS_RETENTION_DAYS = 3  # the raw log keeps the 17th and later
    kept = periods.oldest_recomputable_day(shop.store, NOW) - periods.ONE_DAY
    assert kept == date(2026, 11, 17)
    assert services.interactions_purge(store=shop.store, now=NOW) == 6  # S0 and M3
    assert not Interaction.objects.filter(
        store=shop.store, created_at__lt=periods.day_start(shop.store, kept)
    ).exists()
    assert sorted(
        DailyProductWords.objects.filter(store=shop.store).values_list("day", flat=True).distinct()
    ) == [date(2026, 11, 17), date(2026, 11, 18)]
    assert not DailySessionPart.objects.filter(store=shop.store, day__lt=kept).exists()
    assert DailySessionPart.objects.filter(store=shop.store, day__gte=kept).count() == 3
    assert list(
        DailyPathCount.objects.filter(store=shop.store, day__lt=kept).values_list(
            "day", "sessions", "example"
        )
    ) == [(date(2026, 11, 12), 1, None)]
    # The counts stay: the 12th's path is still counted, with no link to a session gone.
    twelfth = date(2026, 11, 12)
    days = conversation_reads.conversation_days(shop.store, twelfth, twelfth, now=NOW)
    found = conversation_reads.paths(shop.store, days)
    assert [(p.sessions, p.example) for p in found] == [(1, "")]
    # Another store's rows are its own purge's business.
    assert DailyProductWords.objects.filter(store=shop.other).count() == other_words > 0
