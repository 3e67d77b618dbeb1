"""The voice test console plays Amazon's in-skill purchase dialogue: a Buy, Upsell or Cancel
is shown in words, the owner picks how it ends, the embedded ISP sandbox answers (over real
HTTP for the skill's Monetization API calls: live server) and its ``Connections.Response``
goes to the skill in a new session; the test purchases can be reset; a store not in ISP
sandbox mode is refused."""

import json

import pytest
from django.test import Client

from demo.isp_seed import seed_demo_isp
from demo.seed import DEMO_PASSWORD
from isp import monetization
from isp.models import (
    ContentPlay,
    IspEntitlement,
    IspPurchaseResult,
    IspSettings,
    SandboxEntitlement,
    UpsellEvent,
)
from skill import intents
from skill.models import Interaction
from voicelab.console.views import SESSION_KEY

TURN = "/console/turn/"
FREE = [
    "Shave after a warm shower: soft whiskers cut cleanly.",
    "Shave with the grain first, then across it.",
    "Rinse the blade after every stroke.",
]
PRO = [
    "Hold the blade at thirty degrees and let its weight work.",
    "Finish with cold water to calm the skin.",
]
ANOTHER = "Would you like another one?"
UPSELL = (
    "Alexa offers the Pro Shaving Pack (Upsell): You've heard all the free ones for now. "
    "The Pro Shaving Pack: Ten advanced tips from professional barbers. "
    "Want to learn more about it?"
)


@pytest.fixture
def store(transactional_db, demo_store, live_server, settings):
    """No Nicks with the demo's ISP catalog, in ISP sandbox mode; the skill reaches the
    sandbox's Monetization API over HTTP on the live server."""
    settings.ISP_SANDBOX_BASE_URL = f"{live_server.url}/sandbox/monetization"
    seed_demo_isp(demo_store)
    return demo_store


@pytest.fixture
def owner(store):
    client = Client()
    assert client.login(username="owner", password=DEMO_PASSWORD)
    return client


def post(client, action="text", text="", **extra):
    body = {"store": "no-nicks", "locale": "en-US", "action": action, "text": text, **extra}
    return client.post(TURN, json.dumps(body), content_type="application/json")


def say(client, action="text", text="", **extra):
    response = post(client, action, text, **extra)
    assert response.status_code == 200, response.content
    return response.json()


def refused(client, action, **extra):
    response = post(client, action, **extra)
    assert response.status_code == 400, response.content
    return response.json()["error"]


def console_user(client, store) -> str:
    return client.session[SESSION_KEY][str(store.pk)]["user_id"]


def sandbox_row(store, client, reference_name):
    return SandboxEntitlement.objects.filter(
        store=store, user_id=console_user(client, store), product__reference_name=reference_name
    ).first()


def tips_until_the_suggestion(client) -> dict:
    say(client, "launch")
    for text in FREE:
        (tip,) = say(client, text="give me a tip")["exchanges"]
        assert tip["speech"] == f"{text} {ANOTHER}"
    return say(client, text="give me a tip")


def test_accepting_the_suggestion_plays_the_premium_tip_in_a_new_session(store, owner):
    answer = tips_until_the_suggestion(owner)

    (offer,) = answer["exchanges"]
    assert offer["understood"]["intent"] == intents.CONTENT
    assert offer["speech"] == ""  # the skill says nothing: Alexa reads the upsell message
    assert [d["name"] for d in offer["directives"]] == ["Upsell"]
    purchase = offer["purchase"]
    assert purchase["summary"] == UPSELL
    assert purchase["product"] == "Pro Shaving Pack"
    assert purchase["playable"] is True
    assert [o["value"] for o in purchase["outcomes"]] == ["accept", "decline", "error"]
    assert answer["purchase_pending"] is True
    assert answer["session_open"] is False

    bought = say(owner, "purchase", outcome="accept")

    (turn,) = bought["exchanges"]
    assert turn["kind"] == "isp"
    assert turn["request_type"] == "Connections.Response"
    assert turn["isp"]["name"] == "Upsell"
    assert turn["isp"]["payload"]["purchaseResult"] == "ACCEPTED"
    assert turn["isp"]["product"] == "Pro Shaving Pack"
    thanks = "Thanks for getting the Pro Shaving Pack. Here it is."
    assert turn["speech"] == f"{thanks} {PRO[0]} {ANOTHER}"
    sent = turn["request"]
    assert sent["session"]["new"] is True
    assert sent["session"]["sessionId"] != offer["request"]["session"]["sessionId"]
    assert sent["session"]["user"]["userId"] == console_user(owner, store)
    assert sent["request"]["token"] == offer["directives"][0]["token"]
    assert bought["session_open"] is True
    assert bought["purchase_pending"] is False

    assert sandbox_row(store, owner, "pro_pack").owned is True
    (result,) = IspPurchaseResult.objects.filter(store=store)
    assert (result.name, result.result, result.is_test) == ("Upsell", "ACCEPTED", True)
    assert result.customer.alexa_user_id == console_user(owner, store)
    last = Interaction.objects.filter(store=store).order_by("pk").last()
    assert (last.request_type, last.source) == ("Connections.Response", "console")

    # The dialogue is over: nothing waits for a second answer.
    assert "No purchase dialogue is waiting" in refused(owner, "purchase", outcome="accept")
    assert say(owner, "yes")["exchanges"][0]["speech"] == f"{PRO[1]} {ANOTHER}"


def test_declining_the_suggestion_keeps_the_free_tips_going(store, owner):
    tips_until_the_suggestion(owner)

    (turn,) = say(owner, "purchase", outcome="decline")["exchanges"]

    assert turn["isp"]["payload"]["purchaseResult"] == "DECLINED"
    assert turn["said"] == "declines Amazon's offer"
    assert turn["speech"] == f"OK. Here's one you've heard before. {FREE[0]} {ANOTHER}"
    assert sandbox_row(store, owner, "pro_pack").owned is False
    assert IspPurchaseResult.objects.get(store=store).result == "DECLINED"
    assert UpsellEvent.objects.filter(store=store, kind="declined").count() == 1


def test_a_payment_error_is_not_repeated_and_buys_nothing(store, owner):
    say(owner, "launch")
    (buy,) = say(owner, text="buy the shave club")["exchanges"]
    assert buy["purchase"]["summary"] == "Alexa starts the purchase of the Shave Club (Buy)"

    (turn,) = say(owner, "purchase", outcome="error")["exchanges"]

    assert turn["isp"]["name"] == "Buy"
    assert turn["isp"]["payload"]["purchaseResult"] == "ERROR"
    assert turn["isp"]["payload"]["message"] == "Payment could not be completed."
    # Alexa already told the shopper: the skill goes on with the free tips, says nothing of it.
    assert turn["speech"] == f"{FREE[0]} {ANOTHER}"
    assert sandbox_row(store, owner, "shave_club").period_end is None
    assert IspPurchaseResult.objects.get(store=store).result == "ERROR"


def test_cancelling_a_bought_product(store, owner):
    say(owner, text="buy the pro pack")
    say(owner, "purchase", outcome="accept")
    (cancel,) = say(owner, text="cancel the pro pack")["exchanges"]
    assert cancel["purchase"]["summary"] == "Alexa asks to cancel the Pro Shaving Pack (Cancel)"
    assert [o["label"] for o in cancel["purchase"]["outcomes"]] == [
        "Accept the cancel",
        "Decline (keep it)",
        "Error",
    ]

    (turn,) = say(owner, "purchase", outcome="accept")["exchanges"]

    assert turn["isp"]["name"] == "Cancel"
    assert turn["isp"]["payload"]["purchaseResult"] == "ACCEPTED"
    assert turn["said"] == "confirms the cancel"
    assert turn["speech"] == "What would you like to do next?"
    assert sandbox_row(store, owner, "pro_pack").owned is False


def test_saying_something_else_leaves_the_purchase_dialogue(store, owner):
    tips_until_the_suggestion(owner)

    (turn,) = say(owner, text="where is my order")["exchanges"]

    assert turn["request"]["session"]["new"] is True
    assert turn["understood"]["intent"] == intents.ORDER_STATUS
    assert "purchase" not in turn
    assert "No purchase dialogue is waiting" in refused(owner, "purchase", outcome="accept")
    assert sandbox_row(store, owner, "pro_pack") is None


def test_only_accept_decline_or_error_end_the_dialogue(store, owner):
    tips_until_the_suggestion(owner)
    assert "accept, decline or error" in refused(owner, "purchase", outcome="maybe")
    assert say(owner, "purchase", outcome="accept")["exchanges"][0]["isp"]["outcome"] == "accept"


def test_reset_test_purchases_gives_a_clean_start(store, owner):
    assert say(owner, "isp_reset")["isp_reset"] is True  # before the shopper ever spoke
    tips_until_the_suggestion(owner)
    say(owner, "purchase", outcome="accept")
    user = console_user(owner, store)
    assert SandboxEntitlement.objects.filter(store=store, user_id=user).exists()
    assert IspEntitlement.objects.filter(customer__alexa_user_id=user, entitled=True).exists()

    reset = say(owner, "isp_reset")

    assert reset["isp_reset"] is True
    assert reset["message"].startswith("Test purchases reset")
    assert reset["session_open"] is False
    assert not SandboxEntitlement.objects.filter(store=store, user_id=user).exists()
    assert not IspEntitlement.objects.filter(customer__alexa_user_id=user).exists()
    assert not ContentPlay.objects.filter(customer__alexa_user_id=user).exists()
    assert console_user(owner, store) == user  # the same shopper, owning nothing again
    # The free tips start over and a suggestion follows. (The suggestions made so far are
    # kept: the skill now suggests the product it offered least recently.)
    answer = tips_until_the_suggestion(owner)
    assert answer["exchanges"][0]["purchase"]["summary"].startswith("Alexa offers the ")
    assert answer["purchase_pending"] is True


def test_a_store_not_in_sandbox_mode_cannot_play_the_dialogue(db, demo_store, monkeypatch):
    """A live store's purchase dialogue is Amazon's: the console says so. (The console's
    envelopes carry no token Amazon would accept, so Amazon's answer is stubbed here.)"""
    seed_demo_isp(demo_store)
    IspSettings.objects.filter(store=demo_store).update(sandbox_mode=False)

    def amazon_answers(*, store, **kwargs):
        return monetization.ProductsResult(
            available=True,
            products=tuple(
                monetization.IspProductState(
                    product_id=p.amazon_product_id,
                    reference_name=p.reference_name,
                    type=p.type,
                    name=p.reference_name,
                    summary="",
                    entitled=False,
                    entitlement_reason="NOT_PURCHASED",
                    purchasable=True,
                    active_entitlement_count=0,
                    purchase_mode="LIVE",
                )
                for p in store.isp_products.all()
            ),
        )

    monkeypatch.setattr(monetization, "fetch_in_skill_products", amazon_answers)
    owner = Client()
    assert owner.login(username="owner", password=DEMO_PASSWORD)
    assert b'data-isp-sandbox="0"' in owner.get("/console/").content

    answer = tips_until_the_suggestion(owner)

    purchase = answer["exchanges"][0]["purchase"]
    assert purchase["summary"] == UPSELL
    assert purchase["playable"] is False
    assert purchase["outcomes"] == []
    assert purchase["refusal"].startswith(
        "The purchase dialogue is Amazon's: No Nicks is not in ISP sandbox mode, so it cannot "
        "be played here."
    )
    assert answer["purchase_pending"] is False
    assert "not in ISP sandbox mode" in refused(owner, "purchase", outcome="accept")
    assert "not in ISP sandbox mode" in refused(owner, "isp_reset")
    assert not SandboxEntitlement.objects.exists()
    assert not IspPurchaseResult.objects.exists()


def test_the_page_offers_the_sandbox_and_its_reset(store, owner):
    page = owner.get("/console/").content.decode()
    assert 'data-isp-sandbox="1"' in page
    assert "In-skill purchasing sandbox" in page
    assert ">Reset test purchases</button>" in page
