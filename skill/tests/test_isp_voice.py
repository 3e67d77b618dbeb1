"""In-skill purchasing by voice beyond the certification rows: words that can mean an order
or a product, unknown names, the Monetization API down, the digital-only demo store, German,
forgetting a shopper, and the queries of a turn in a running session."""

import json
from decimal import Decimal

from catalog.tests.factories import ProductFactory
from demo.isp_seed import SLEEP_SKILL_ID
from isp.experiments import experiment_results, experiment_start
from isp.models import (
    ConsumableLedgerEntry,
    ContentPlay,
    InSkillProduct,
    IspEntitlement,
    arm_for,
)
from orders import services as orders
from orders.models import Customer
from orders.tests.helpers import place_order
from skill import intents as i
from skill.testing.envelopes import product_slot, skill_event

from .isp_conversation import USER, IspShopper, named, product
from .test_isp_certification import FREE, shopper


def customer(store):
    return Customer.objects.get(store=store, alexa_user_id=USER)


def test_a_refund_that_could_mean_an_order_asks_which(isp_store, client, live_server):
    s = shopper(client, isp_store, live_server)
    s.say(i.BUY, ProductName=named("pro_pack", "pro pack"))
    s.purchase("accept")
    place_order(isp_store, customer=customer(isp_store))
    s.new_session()
    s.say(i.REFUND)
    assert s.speech() == (
        "Is this about the Pro Shaving Pack? Say no if it's about an order we sent you."
    )
    s.yes()
    assert s.directive()["name"] == "Cancel"
    s.new_session()
    s.say(i.REFUND)
    s.no()  # the order: the store's refund guidance, as before
    assert s.directive() is None
    assert s.last_answer["response"]["card"]["title"] == "How to get a refund"


def test_cancel_my_subscription_with_a_refill_plan_too_asks_which(isp_store, client, live_server):
    s = shopper(client, isp_store, live_server)
    s.say(i.BUY, ProductName=named("shave_club", "shave club"))
    s.purchase("accept")
    blades = ProductFactory(
        store=isp_store, spoken_name="blades", price=Decimal("5.00"), refill_interval_weeks=4
    )
    buyer = customer(isp_store)
    buyer.billing_agreement_id, buyer.billing_agreement_status = "C01-test", "OPEN"
    buyer.save()
    orders.refill_plan_create(
        customer=buyer,
        product=blades,
        quantity=1,
        interval_weeks=4,
        actor_label="test",
    )
    s.new_session()
    s.say(i.CANCEL_REFILLS)  # "cancel my subscription"
    assert s.speech() == (
        "You have a refill plan and the Shave Club. Do you want to cancel the Shave Club? "
        "Say no to cancel your refill plan instead."
    )
    s.no()
    assert s.speech() == "You get blades on a refill plan. Do you want me to cancel it?"
    s.new_session()
    s.say(i.CANCEL_SUBSCRIPTION, ProductName=named("shave_club", "shave club"))
    assert s.directive()["name"] == "Cancel"  # named: no question


def test_an_unknown_name_gets_the_names_that_can_be_bought(isp_store, client, live_server):
    s = shopper(client, isp_store, live_server)
    s.say(
        i.BUY, ProductName=product_slot(name=i.ISP_PRODUCT_SLOT, words="gold pack", no_match=True)
    )
    assert s.speech() == (
        "You can buy Three Guided Shaves, Pro Shaving Pack or Shave Club. Which one would you like?"
    )
    assert s.directive() is None


def test_order_words_that_name_an_in_skill_product_buy_it(isp_store, client, live_server):
    s = shopper(client, isp_store, live_server)
    s.say(i.ORDER_PRODUCT, Product=product_slot(words="the shave club"))
    assert s.directive()["name"] == "Buy"
    s.say(i.PRODUCT_INFO, Product=product_slot(words="pro shaving pack"))
    assert s.speech() == (
        "Pro Shaving Pack: Ten advanced shaving tips from professional barbers, yours to "
        "replay. Would you like to buy it?"
    )
    s.yes()
    assert s.directive()["name"] == "Buy"


def test_with_the_monetization_api_down_the_free_experience_goes_on(
    isp_store, client, live_server, settings
):
    settings.ISP_SANDBOX_BASE_URL = "http://127.0.0.1:9/sandbox/monetization"
    s = shopper(client, isp_store, live_server)
    for text in FREE:
        s.tip()
        assert s.speech() == f"{text} Would you like another one?"
    s.tip()  # nothing is suggested when Amazon cannot say what the shopper owns
    assert s.directive() is None
    assert s.speech() == f"Here's one you've heard before. {FREE[0]} Would you like another one?"
    s.say(i.WHAT_CAN_I_BUY)
    assert s.speech() == (
        "I can't check what's for sale right now. Would you like to hear something free instead?"
    )


def test_the_digital_store_sells_sleep_sessions(isp_store, client, live_server):
    s = IspShopper(
        client, InSkillProduct.objects.get(reference_name="all_sessions").store, live_server
    )
    assert s.skill_id == SLEEP_SKILL_ID
    s.new_session()
    s.launch()
    assert s.speech() == (
        "Welcome to Sleep Well. You can hear sleep sessions, or ask what you can buy. "
        "What would you like?"
    )
    for _ in range(6):
        s.tip()
        assert s.directive() is None
    s.tip()
    directive = s.directive()
    assert directive["name"] == "Upsell"
    s.purchase("accept")
    assert "Thanks for getting the" in s.speech()
    assert (
        '<audio src="https://sleepwell.example.com/sessions/'
        in (s.last_answer["response"]["outputSpeech"]["ssml"])
    )


def test_german_shoppers_hear_german(isp_store, client, live_server):
    isp_store.enabled_locales = ["en-US", "de-DE"]
    isp_store.save()
    s = IspShopper(client, isp_store, live_server, locale="de-DE")
    s.new_session()
    s.say(i.WHAT_CAN_I_BUY)
    assert s.speech() == (
        "Du kannst kaufen: Drei geführte Rasuren: Drei Schritt-für-Schritt-Rasuren. "
        "Profi-Rasurpaket: Zehn Profi-Tipps von Barbieren. "
        "Rasur-Club: Alle Premium-Tipps und Sitzungen, jeden Monat neue. "
        "Worüber möchtest du mehr hören?"
    )
    s.say(i.BUY, ProductName=named("pro_pack", "profi-paket"))
    s.purchase("decline")
    assert s.speech().startswith("Alles klar.")


def test_disabling_without_keeping_data_forgets_the_shopper(isp_store, client, live_server):
    s = shopper(client, isp_store, live_server)
    s.say(i.BUY, ProductName=named("guided_shaves", "guided shaves"))
    s.purchase("accept")
    assert ConsumableLedgerEntry.objects.count() == 2
    env = skill_event(
        "SkillDisabled",
        {"userInformationPersistenceStatus": "NOT_PERSISTED"},
        skill_id=s.skill_id,
        user_id=USER,
    )
    answer = client.post("/alexa/", data=json.dumps(env), content_type="application/json")
    assert answer.status_code == 200
    assert ConsumableLedgerEntry.objects.count() == 0
    assert ContentPlay.objects.count() == 0
    assert IspEntitlement.objects.count() == 0


def test_a_turn_in_a_running_session_asks_amazon_nothing(
    isp_store, client, live_server, django_assert_num_queries
):
    s = shopper(client, isp_store, live_server)
    s.tip()  # the session's first need: the Monetization API is asked here
    with django_assert_num_queries(QUERIES_PER_TIP):
        s.tip()
    assert s.speech() == f"{FREE[1]} Would you like another one?"


# The shopper with their conversation; the store's products and their texts; the session's
# marker with the current collection; the observed entitlements; the collection's items and
# their texts; the recent plays; the play's INSERT; the turn's log (one round trip).
QUERIES_PER_TIP = 10


def test_a_message_experiment_gives_each_shopper_their_arm(isp_store, client, live_server):
    pro = product(isp_store, "pro_pack")
    experiment = experiment_start(
        product=pro,
        kind="message",
        message_a="Ten barber secrets for a closer shave. Shall I tell you more?",
        message_b="Want the pro tips the barbers use?",
    )
    arm = arm_for(experiment.pk, USER)
    s = shopper(client, isp_store, live_server)
    for _ in range(4):
        s.tip()
    heard = experiment.message_a if arm == "a" else experiment.message_b
    assert s.directive()["payload"]["upsellMessage"] == (
        f"You've heard all the free ones for now. {heard}"
    )
    s.purchase("accept")
    (a, b) = experiment_results(experiment)
    assert [(r.arm, r.suggestions, r.purchases) for r in (a, b)] == [
        ("a", int(arm == "a"), int(arm == "a")),
        ("b", int(arm == "b"), int(arm == "b")),
    ]
