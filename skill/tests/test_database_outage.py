"""A database that stops answering costs a turn at most a few seconds, never Alexa's eight:
the shopper hears the apology, and the next turn after recovery is answered as usual.

The database is the real PostgreSQL, reached through a TCP proxy that can stop forwarding
(the server looks alive and silent, as a paused server or a broken network path does), or
held up by a real row lock from another connection.
"""

import json
import threading
import time

import psycopg2
import pytest
from django.db import connection

from demo.seed import DEMO_SKILL_ID
from skill.speech import en_US
from skill.testing.envelopes import envelope, launch, speech_of
from skill.views import _apology
from testing import require

from .pg_proxy import FreezableProxy

pytestmark = pytest.mark.django_db(transaction=True)
APOLOGY = en_US.APOLOGY


@pytest.fixture
def through_proxy(demo_store, settings):
    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    settings.ALEXA_VERIFY_REQUESTS = False
    settings.ALEXA_DB_DEADLINE_SECONDS = 2.0
    real = dict(connection.settings_dict)
    proxy = FreezableProxy(real["HOST"] or "127.0.0.1", int(real["PORT"] or 5432))
    connection.close()
    connection.settings_dict["HOST"], connection.settings_dict["PORT"] = "127.0.0.1", proxy.port
    yield proxy
    proxy.thaw()
    connection.close()
    connection.settings_dict["HOST"], connection.settings_dict["PORT"] = real["HOST"], real["PORT"]
    proxy.close()


def turn(client, user_id="amzn1.ask.account.OUTAGE"):
    env = envelope(launch(), skill_id=DEMO_SKILL_ID, user_id=user_id, new=True)
    started = time.monotonic()
    response = client.post("/alexa/", data=json.dumps(env), content_type="application/json")
    return response, time.monotonic() - started


def test_a_frozen_database_gets_the_apology_within_three_seconds(client, through_proxy):
    answered, _ = turn(client)
    assert answered.status_code == 200 and APOLOGY not in speech_of(answered.json())

    through_proxy.freeze()
    frozen, seconds = turn(client)
    assert frozen.status_code == 200
    assert speech_of(frozen.json()) == APOLOGY
    assert frozen.json()["response"]["shouldEndSession"] is True
    assert seconds < 3.0, seconds

    through_proxy.thaw()
    recovered, _ = turn(client)
    assert recovered.status_code == 200
    assert "No Nicks" in speech_of(recovered.json())
    assert APOLOGY not in speech_of(recovered.json())


def test_a_database_frozen_before_connecting_also_gets_the_apology_in_time(client, through_proxy):
    connection.close()  # the next turn must connect: libpq's connect_timeout bounds it
    through_proxy.freeze()
    frozen, seconds = turn(client)
    assert speech_of(frozen.json()) == APOLOGY
    assert seconds < 3.0, seconds
    through_proxy.thaw()
    recovered, _ = turn(client)
    assert APOLOGY not in speech_of(recovered.json())


def test_a_row_held_by_a_stuck_transaction_gets_the_apology_in_time(client, demo_store, settings):
    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    settings.ALEXA_VERIFY_REQUESTS = False
    settings.ALEXA_DB_DEADLINE_SECONDS = 2.0
    first, _ = turn(client)
    assert APOLOGY not in speech_of(first.json())

    params = connection.get_connection_params()
    stuck = psycopg2.connect(**params)
    cursor = stuck.cursor()
    # A transaction that took the store's row and never finishes (an admin save hung
    # mid-way): every turn that reads the store with a lock, or writes a conversation of
    # the store, waits on it.
    cursor.execute("LOCK TABLE skill_conversation IN ACCESS EXCLUSIVE MODE")
    try:
        held, seconds = turn(client, user_id="amzn1.ask.account.OUTAGE2")
        assert speech_of(held.json()) == APOLOGY
        assert seconds < 3.0, seconds
    finally:
        stuck.rollback()
        stuck.close()
    again, _ = turn(client, user_id="amzn1.ask.account.OUTAGE2")
    assert APOLOGY not in speech_of(again.json())


def test_the_apology_itself_never_raises_whatever_the_locale():
    for locale in ["en-US", "de-DE", "xx-XX", None, 7, ["en-US"], {"a": 1}, "\ud800"]:
        answer = _apology({"request": {"locale": locale}})
        assert answer["response"]["outputSpeech"]["ssml"].startswith("<speak>")
    for odd in [None, [], "x", {"request": None}, {"request": []}]:
        assert _apology(odd)["version"] == "1.0"


def test_the_deadline_never_touches_a_turn_that_finished_in_time(client, demo_store, settings):
    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    settings.ALEXA_VERIFY_REQUESTS = False
    settings.ALEXA_DB_DEADLINE_SECONDS = 0.3
    for _ in range(3):
        answered, _ = turn(client)
        assert APOLOGY not in speech_of(answered.json())
    time.sleep(0.5)  # past the deadline of the turns above: the connection stays usable
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    assert threading.active_count() < 20
