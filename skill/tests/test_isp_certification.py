"""The 2019 guide's certification rows for skills with in-skill purchasing, played as
conversations against the demo's No Nicks catalog, with the embedded ISP sandbox playing
Amazon over real HTTP."""

import json

from isp import monetization
from isp.models import ConsumableLedgerEntry, IspPurchaseResult, IspShopperState, UpsellEvent
from isp.texts import price_mentions
from skill import intents as i
from skill.testing.envelopes import skill_event

from .isp_conversation import USER, IspShopper, named, product

FREE = [
    "Shave after a warm shower: soft whiskers cut cleanly.",
    "Shave with the grain first, then across it.",
    "Rinse the blade after every stroke.",
]
PRO = [
    "Hold the blade at thirty degrees and let its weight work.",
    "Finish with cold water to calm the skin.",
]
MONTHLY = "This month: map your beard's growth before you start."
GUIDED = "Let's shave together. Lather up, and tell me when you are ready."


def shopper(client, store, live_server) -> IspShopper:
    s = IspShopper(client, store, live_server)
    s.new_session()
    s.launch()
    return s


def hear_free_tips(s: IspShopper) -> None:
    for text in FREE:
        s.tip()
        assert s.speech() == f"{text} Would you like another one?"


def upsell_after_free_tips(s: IspShopper) -> dict:
    hear_free_tips(s)
    s.tip()
    directive = s.directive()
    assert directive is not None and directive["name"] == "Upsell", s.last_answer
    return directive


def test_what_can_i_buy_lists_every_product_of_every_type(isp_store, client, live_server):
    s = shopper(client, isp_store, live_server)
    s.say(i.WHAT_CAN_I_BUY)
    assert s.speech() == (
        "You can buy: Three Guided Shaves: Three step-by-step guided shave sessions. "
        "Pro Shaving Pack: Ten advanced tips from professional barbers. "
        "Shave Club: Every premium tip and session, new ones each month. "
        "Which one would you like to hear more about?"
    )
    assert s.last_answer["response"]["shouldEndSession"] is False


def test_upsell_in_context_says_what_it_gives_without_a_price(isp_store, client, live_server):
    s = shopper(client, isp_store, live_server)
    directive = upsell_after_free_tips(s)
    pro = product(isp_store, "pro_pack")
    assert directive["payload"]["InSkillProduct"] == {"productId": pro.amazon_product_id}
    message = directive["payload"]["upsellMessage"]
    assert message == (
        "You've heard all the free ones for now. The Pro Shaving Pack: Ten advanced tips "
        "from professional barbers. Want to learn more about it?"
    )
    assert price_mentions(message) == []
    assert "outputSpeech" not in s.last_answer["response"]
    assert s.last_answer["response"]["shouldEndSession"] is True


def test_each_product_can_be_bought_and_used_at_once(isp_store, client, live_server):
    s = shopper(client, isp_store, live_server)
    s.say(i.BUY, ProductName=named("pro_pack", "pro pack"))
    assert s.directive()["name"] == "Buy"  # a named product goes straight to Buy
    s.purchase("accept")
    assert s.speech() == (
        f"Thanks for getting the Pro Shaving Pack. Here it is. {PRO[0]} Would you like another one?"
    )
    s.say(i.BUY, ProductName=named("guided_shaves", "guided shaves"))
    s.purchase("accept")
    assert s.speech() == (
        f"Thanks for getting the Three Guided Shaves. Here it is. {GUIDED} "
        "You have 2 left of the Three Guided Shaves. Would you like another one?"
    )
    s.say(i.BUY, ProductName=named("shave_club", "shave club"))
    s.purchase("accept")
    assert s.speech() == (
        f"Thanks for getting the Shave Club. Here it is. {MONTHLY} Would you like another one?"
    )
    results = IspPurchaseResult.objects.filter(customer__alexa_user_id=USER).order_by("pk")
    assert [(r.name, r.result, r.is_test, str(r.list_price)) for r in results] == [
        ("Buy", "ACCEPTED", True, "2.99"),
        ("Buy", "ACCEPTED", True, "0.99"),
        ("Buy", "ACCEPTED", True, "1.99"),
    ]


def test_a_bought_product_is_used_in_a_new_session(isp_store, client, live_server):
    s = shopper(client, isp_store, live_server)
    s.say(i.BUY, ProductName=named("pro_pack", "pro pack"))
    s.purchase("accept")
    s.new_session()
    s.launch()
    heard = []
    for _ in range(4):
        s.tip()
        heard.append(s.speech().removesuffix(" Would you like another one?"))
    # The first pro tip was heard right after buying; the free ones and the other pro tip
    # come next, and nothing is suggested: there is more to hear.
    assert heard == [*FREE, PRO[1]]


def test_no_suggestion_of_an_owned_product(isp_store, client, live_server):
    s = shopper(client, isp_store, live_server)
    s.say(i.BUY, ProductName=named("pro_pack", "pro pack"))
    s.purchase("accept")
    s.new_session()
    s.launch()
    for _ in range(4):
        s.tip()
    s.tip()  # the free tips and both pro tips heard: a suggestion, not of the pro pack
    assert s.directive()["payload"]["InSkillProduct"]["productId"] == (
        product(isp_store, "shave_club").amazon_product_id
    )
    s.say(i.WHAT_CAN_I_BUY)
    assert "Pro Shaving Pack" not in s.speech()


def test_declining_a_suggestion_keeps_the_free_content_going(isp_store, client, live_server):
    s = shopper(client, isp_store, live_server)
    upsell_after_free_tips(s)
    s.purchase("decline")  # "no" to the suggestion gives DECLINED
    assert s.directive() is None
    assert (
        s.speech() == f"OK. Here's one you've heard before. {FREE[0]} Would you like another one?"
    )
    assert s.last_answer["response"]["shouldEndSession"] is False
    row = IspPurchaseResult.objects.get(customer__alexa_user_id=USER)
    assert (row.name, row.result) == ("Upsell", "DECLINED")


def test_yes_to_the_suggestion_no_to_the_offer_resumes(isp_store, client, live_server):
    # Amazon gives one result for both answers: "yes, tell me more" then "no" to the price
    # is DECLINED too; the skill resumes the free tips smoothly and suggests nothing now.
    s = shopper(client, isp_store, live_server)
    upsell_after_free_tips(s)
    s.purchase("decline")
    s.yes()  # "another one?"
    assert s.directive() is None
    assert s.speech() == (f"Here's one you've heard before. {FREE[1]} Would you like another one?")


def test_a_declined_product_is_not_suggested_again(isp_store, client, live_server):
    s = shopper(client, isp_store, live_server)
    first = upsell_after_free_tips(s)
    s.purchase("decline")
    s.new_session()
    s.launch()
    s.tip()
    second = s.directive()
    assert second is not None and second["name"] == "Upsell"
    assert second["payload"]["InSkillProduct"] != first["payload"]["InSkillProduct"]
    s.purchase("decline")
    s.new_session()
    s.launch()
    s.tip()
    third = s.directive()
    offered = {d["payload"]["InSkillProduct"]["productId"] for d in (first, second, third) if d}
    assert len(offered) == (3 if third else 2)
    assert UpsellEvent.objects.filter(kind="declined").count() == 2


def test_one_suggestion_per_session(isp_store, client, live_server):
    s = shopper(client, isp_store, live_server)
    upsell_after_free_tips(s)
    session = s.session_id
    s.purchase("decline")
    s.session_id = session  # Alexa came back in the same session
    s.tip()
    assert s.directive() is None
    assert s.speech() == f"Here's one you've heard before. {FREE[1]} Would you like another one?"
    assert UpsellEvent.objects.filter(kind="suppressed", reason="per_session").count() == 1


def test_a_subscription_is_cancelled_by_voice(isp_store, client, live_server):
    s = shopper(client, isp_store, live_server)
    s.say(i.BUY, ProductName=named("shave_club", "shave club"))
    s.purchase("accept")
    s.new_session()
    s.say(i.CANCEL_REFILLS)  # "cancel my subscription": no refill plan, so the club
    directive = s.directive()
    assert (directive["name"], directive["payload"]["InSkillProduct"]["productId"]) == (
        "Cancel",
        product(isp_store, "shave_club").amazon_product_id,
    )
    s.purchase("accept")
    assert s.speech() == "What would you like to do next?"
    assert s.last_answer["response"]["shouldEndSession"] is False


def test_a_refund_request_goes_to_amazon(isp_store, client, live_server):
    s = shopper(client, isp_store, live_server)
    s.say(i.BUY, ProductName=named("pro_pack", "pro pack"))
    s.purchase("accept")
    s.new_session()
    s.say(i.REFUND)  # "I want a refund": no order, one thing bought in the skill
    directive = s.directive()
    assert directive["name"] == "Cancel"
    assert directive["payload"] == {
        "InSkillProduct": {"productId": product(isp_store, "pro_pack").amazon_product_id}
    }
    s.purchase("accept")  # Amazon's customer service takes it back
    assert s.speech() == "What would you like to do next?"
    s.new_session()
    s.say(i.WHAT_CAN_I_BUY)
    assert "Pro Shaving Pack" in s.speech()


def test_a_failed_payment_is_not_repeated_and_content_resumes(isp_store, client, live_server):
    s = shopper(client, isp_store, live_server)
    s.tip()
    s.say(i.BUY, ProductName=named("pro_pack", "pro pack"))
    s.purchase("error")
    # Alexa has told the shopper; the skill says nothing of it and goes on with free tips.
    assert s.speech() == f"{FREE[1]} Would you like another one?"
    assert s.directive() is None
    assert IspPurchaseResult.objects.get().result == "ERROR"


def test_consumables_survive_disable_and_re_enable(isp_store, client, live_server):
    s = shopper(client, isp_store, live_server)
    s.say(i.BUY, ProductName=named("guided_shaves", "guided shaves"))
    s.purchase("accept")  # three units, one used at once
    s.say(i.BUY, ProductName=named("guided_shaves", "guided shaves"))
    s.purchase("accept")  # three more
    disable = _event(s, "SkillDisabled", {"userInformationPersistenceStatus": "PERSISTED"})
    assert disable.status_code == 200
    assert _event(s, "SkillEnabled", {}).status_code == 200
    s.new_session()
    s.say(i.INVENTORY, ProductName=named("guided_shaves", "guided shaves"))
    assert s.speech() == "You have 4 of the Three Guided Shaves left. What would you like to do?"
    s.tip()
    assert s.speech() == f"{FREE[0]} Would you like another one?"
    for _ in range(2):
        s.tip()
    s.tip()  # free tips heard: a unit of a guided shave
    assert s.speech() == (
        f"{GUIDED} You have 3 left of the Three Guided Shaves. Would you like another one?"
    )
    ledger = ConsumableLedgerEntry.objects.filter(customer__alexa_user_id=USER)
    assert sorted(ledger.values_list("kind", "units")) == [
        ("purchase", 3),
        ("purchase", 3),
        ("used", -1),
        ("used", -1),
        ("used", -1),
    ]


def _event(s: IspShopper, event_type: str, body: dict):
    env = skill_event(event_type, body, skill_id=s.skill_id, user_id=s.user_id)
    return s.client.post("/alexa/", data=json.dumps(env), content_type="application/json")


def test_the_monetization_api_is_asked_once_per_session(
    isp_store, client, live_server, monkeypatch
):
    calls = []
    real = monetization.fetch_in_skill_products

    def counted(**kwargs):
        calls.append(kwargs["locale"])
        return real(**kwargs)

    monkeypatch.setattr(monetization, "fetch_in_skill_products", counted)
    s = shopper(client, isp_store, live_server)
    for _ in range(3):
        s.tip()
    s.say(i.WHAT_CAN_I_BUY)
    assert calls == ["en-US"]  # the launch asked nothing; the first tip asked once
    state = IspShopperState.objects.get(customer__alexa_user_id=USER)
    assert (state.session_id, state.available) == (s.session_id, True)
    s.say(i.BUY, ProductName=named("pro_pack", "pro pack"))
    s.purchase("accept")  # a purchase result asks again
    s.tip()
    assert calls == ["en-US", "en-US"]
