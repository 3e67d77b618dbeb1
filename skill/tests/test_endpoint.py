"""/alexa/: store by skill id, bad input never a 500, one interaction row per request, no
access tokens in the log, a spoken apology when the database fails mid-turn."""

import json

import pytest
from django.db import DatabaseError
from django.test import override_settings

from catalog.models import Product
from demo.seed import DEMO_SKILL_ID
from merchant.tests.factories import StoreFactory
from skill import runtime, selectors
from skill.models import Interaction
from skill.testing.envelopes import (
    ACCESS_TOKEN,
    envelope,
    intent,
    launch,
    product_slot,
    session_ended,
    speech_of,
)


def post_raw(client, data, content_type="application/json"):
    return client.post("/alexa/", data=data, content_type=content_type)


@pytest.mark.django_db
def test_the_store_is_chosen_by_skill_id(client, demo_store, unverified):
    other = StoreFactory(name="Other Shop")
    skill_id = other.skill_ids.get().skill_id
    answer = post_raw(client, json.dumps(envelope(launch(), skill_id=skill_id))).json()
    assert "Other Shop" in speech_of(answer)
    answer = post_raw(client, json.dumps(envelope(launch(), skill_id=DEMO_SKILL_ID))).json()
    assert "No Nicks" in speech_of(answer)
    assert list(Interaction.objects.values_list("store__name", flat=True).order_by("id")) == [
        "Other Shop",
        "No Nicks",
    ]


@pytest.mark.django_db
def test_an_unknown_skill_id_gets_400_and_no_row(client, demo_store, unverified):
    env = envelope(launch(), skill_id="amzn1.ask.skill.00000000-0000-0000-0000-000000000000")
    response = post_raw(client, json.dumps(env))
    assert response.status_code == 400
    assert Interaction.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b"[1, 2]",
        b'"a string"',
        b"{}",
        b'{"version": "1.0"}',
        b'{"request": 5}',
        b'{"request": {"type": "Alexa.Made.Up", "requestId": "x"}, '
        b'"context": {"System": {"application": {"applicationId": "'
        + DEMO_SKILL_ID.encode()
        + b'"}}}}',
        b"\xff\xfe\x00garbage",
    ],
)
def test_unreadable_envelopes_get_400(client, demo_store, unverified, body):
    response = post_raw(client, body)
    assert response.status_code == 400
    assert Interaction.objects.count() == 0


@pytest.mark.django_db
def test_an_envelope_missing_user_and_session_still_gets_speech(client, demo_store, unverified):
    env = {
        "version": "1.0",
        "context": {"System": {"application": {"applicationId": DEMO_SKILL_ID}}},
        "request": {"type": "LaunchRequest", "requestId": "r1", "locale": "en-US"},
    }
    response = post_raw(client, json.dumps(env))
    assert response.status_code == 200
    assert speech_of(response.json()).startswith("Welcome to No Nicks.")


@pytest.mark.django_db
def test_an_intent_without_a_name_gets_speech_not_500(client, demo_store, unverified):
    env = envelope(launch(), skill_id=DEMO_SKILL_ID)
    env["request"] = {"type": "IntentRequest", "requestId": "r", "locale": "en-US", "intent": {}}
    response = post_raw(client, json.dumps(env))
    assert response.status_code == 200
    assert "can't help with that" in speech_of(response.json())


@pytest.mark.django_db
def test_an_unknown_intent_gets_speech(client, demo_store, unverified):
    env = envelope(intent("AMAZON.PauseIntent"), skill_id=DEMO_SKILL_ID)
    answer = post_raw(client, json.dumps(env)).json()
    assert speech_of(answer) == "Sorry, I can't help with that here. What would you like to do?"


@pytest.mark.django_db
@override_settings(ALEXA_MAX_BODY_BYTES=2048)
def test_an_oversized_body_gets_400(client, demo_store, unverified):
    env = envelope(launch(), skill_id=DEMO_SKILL_ID)
    env["padding"] = "x" * 4096
    response = post_raw(client, json.dumps(env))
    assert response.status_code == 400
    assert Interaction.objects.count() == 0


@pytest.mark.django_db
def test_only_post_is_served(client, demo_store, unverified):
    assert client.get("/alexa/").status_code == 405


@pytest.mark.django_db
def test_a_database_error_mid_turn_is_an_apology(client, demo_store, unverified, monkeypatch):
    def broken(**kwargs):
        raise DatabaseError("connection lost")

    monkeypatch.setattr(selectors, "suggested_categories", broken)
    response = post_raw(client, json.dumps(envelope(launch(), skill_id=DEMO_SKILL_ID)))
    assert response.status_code == 200
    answer = response.json()
    assert (
        speech_of(answer)
        == "Sorry, something went wrong on our side. Please try again in a moment."
    )
    assert answer["response"]["shouldEndSession"] is True
    row = Interaction.objects.get()
    assert (row.outcome, row.error_code) == ("error", "DatabaseError")


@pytest.mark.django_db
def test_a_database_error_before_the_skill_runs_is_an_apology(
    client, demo_store, unverified, monkeypatch
):
    def broken(application_id):
        raise DatabaseError("database is down")

    monkeypatch.setattr(selectors, "store_for_application_id", broken)
    response = post_raw(client, json.dumps(envelope(launch("de-DE"), skill_id=DEMO_SKILL_ID)))
    assert response.status_code == 200
    assert speech_of(response.json()).startswith("Entschuldigung")


@pytest.mark.django_db
def test_the_skill_is_built_once_per_process(client, demo_store, unverified):
    first = runtime.get_skill()
    for _ in range(3):
        post_raw(client, json.dumps(envelope(launch(), skill_id=DEMO_SKILL_ID)))
    assert runtime.get_skill() is first
    assert runtime.get_skill.cache_info().currsize == 1


@pytest.mark.django_db
def test_each_request_logs_one_interaction_with_resolved_slots(client, demo_store, unverified):
    kit = Product.objects.get(sku="NN-KIT")
    env = envelope(
        intent(
            "OrderProductIntent",
            {
                "Product": product_slot(kit, words="razor"),
                "Quantity": product_slot(None, words="2", name="Quantity"),
            },
        ),
        skill_id=DEMO_SKILL_ID,
        session_id="amzn1.echo-api.session.S1",
    )
    post_raw(client, json.dumps(env))
    row = Interaction.objects.get()
    assert row.store == demo_store
    assert row.customer.alexa_user_id == "amzn1.ask.account.SHOPPER1"
    assert row.request_type == "IntentRequest"
    assert row.intent == "OrderProductIntent"
    assert row.slots == {"Product": str(kit.pk), "Quantity": "2"}
    assert row.session_id == "amzn1.echo-api.session.S1"
    assert row.locale == "en-US"
    assert row.source == "voice"
    assert row.outcome == "pitch"
    assert 0 <= row.latency_ms < 5000


@pytest.mark.django_db
def test_no_match_slots_log_the_words_heard(client, demo_store, unverified):
    env = envelope(
        intent("OrderProductIntent", {"Product": product_slot(words="unicorn", no_match=True)}),
        skill_id=DEMO_SKILL_ID,
    )
    post_raw(client, json.dumps(env))
    assert Interaction.objects.get().slots == {"Product": "unicorn"}


@pytest.mark.django_db
def test_access_tokens_are_never_logged(client, demo_store, unverified):
    post_raw(client, json.dumps(envelope(launch(), skill_id=DEMO_SKILL_ID)))
    row = Interaction.objects.values().get()
    assert ACCESS_TOKEN not in json.dumps(row, default=str)
    assert "consent-token" not in json.dumps(row, default=str)


@pytest.mark.django_db
def test_session_ended_gets_no_speech(client, demo_store, unverified):
    answer = post_raw(client, json.dumps(envelope(session_ended(), skill_id=DEMO_SKILL_ID))).json()
    assert "outputSpeech" not in answer["response"]
    assert "reprompt" not in answer["response"]
    assert Interaction.objects.get().outcome == "session_ended_user_initiated"


@pytest.mark.django_db
def test_handle_envelope_for_the_console_marks_orders_as_tests(demo_store):
    from orders.models import Order
    from skill import amazon_pay_sandbox

    kit = Product.objects.get(sku="NN-KIT")
    env = envelope(
        intent("OrderProductIntent", {"Product": product_slot(kit)}), skill_id=DEMO_SKILL_ID
    )
    runtime.handle_envelope(env, source="console")
    env = envelope(intent("AMAZON.YesIntent"), skill_id=DEMO_SKILL_ID)
    answer = runtime.handle_envelope(env, source="console")
    assert amazon_pay_sandbox.find_directive(answer)["name"] == "Setup"
    order = Order.objects.get()
    assert (order.is_test, order.source) == (True, "console")
    assert set(Interaction.objects.values_list("source", flat=True)) == {"console"}


def test_handle_envelope_raises_for_unknown_skills(db):
    with pytest.raises(runtime.UnknownSkill):
        runtime.handle_envelope(envelope(launch(), skill_id="amzn1.ask.skill.nobody"))
    with pytest.raises(runtime.EnvelopeError):
        runtime.handle_envelope({"request": 5})


@pytest.mark.django_db
def test_a_store_settings_change_is_seen_at_once_in_this_process(client, demo_store, unverified):
    post_raw(client, json.dumps(envelope(launch(), skill_id=DEMO_SKILL_ID)))
    demo_store.name = "No Nicks Shaving"
    demo_store.save()
    answer = post_raw(client, json.dumps(envelope(launch(), skill_id=DEMO_SKILL_ID))).json()
    assert "No Nicks Shaving" in speech_of(answer)


@pytest.mark.django_db
def test_metrics_count_turns_by_outcome_and_time_them_by_request_type(
    client, demo_store, unverified, settings
):
    settings.METRICS_TOKEN = "scrape-token"

    def scraped(name, **labels):
        body = client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token").content.decode()
        wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
        for line in body.splitlines():
            if line.startswith(f"{name}{{{wanted}}} "):
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    launches = scraped("voicestore_skill_turn_seconds_count", request_type="LaunchRequest")
    welcomed = scraped("voicestore_skill_turns_total", outcome="welcome")
    response = post_raw(client, json.dumps(envelope(launch(), skill_id=DEMO_SKILL_ID)))
    assert response.status_code == 200
    assert scraped("voicestore_skill_turn_seconds_count", request_type="LaunchRequest") == (
        launches + 1
    )
    assert scraped("voicestore_skill_turns_total", outcome="welcome") == welcomed + 1
