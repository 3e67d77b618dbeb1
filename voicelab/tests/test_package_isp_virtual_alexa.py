"""virtual-alexa understands the in-skill purchasing and content utterances of the exported
models: No Nicks with its products and shaving tips (en-US, en-GB, de-DE) and the
digital-only Sleep Well store (en-US).

``voicelab/tests/virtual_alexa/drive.js`` matches each utterance against the exported samples
and slot values with virtual-alexa's own matcher and sends the request to a stub endpoint
(no ``skillUrl``): the test checks the request virtual-alexa built, intent and resolved slot
ids, not the skill's answer (the premium handlers are tested on their own).

virtual-alexa, like the portal's console, takes the sample with the most words outside its
slots, and a custom slot only matches one of its type's values or synonyms. "buy {Product}"
(OrderProductIntent) and "buy {ProductName}" (BuyIntent) therefore never compete for the
same words: the exporter keeps generated in-skill product synonyms clear of physical product
and category phrases, and the package validation refuses a name that is both. Real Alexa
generalizes beyond the samples and may still send "buy the pro pack" as OrderProductIntent;
the handlers cross-check: an OrderProductIntent whose Product words are an in-skill product's
name or synonym is handled as BuyIntent, and CancelRefillPlanIntent ("cancel my
subscription") asks which subscription when the shopper has an in-skill subscription too.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from demo.isp_seed import seed_demo_isp
from isp.models import ContentCollection
from skill import intents as i
from testing import require
from voicelab.package import build_skill_package, write_skill_package

ROOT = Path(django_settings.BASE_DIR)
DRIVER = ROOT / "voicelab" / "tests" / "virtual_alexa" / "drive.js"
VIRTUAL_ALEXA = ROOT / "node_modules" / "virtual-alexa"

P, C = i.ISP_PRODUCT_SLOT, i.COLLECTION_SLOT
TIPS, SESSIONS = "collection:Shaving tips", "collection:Sleep sessions"

# (store, locale, what the shopper says, intent, expected slot ids: a reference name, a
#  collection, or a physical product's SKU)
UTTERANCES = [
    ("no-nicks", "en-US", "what can I buy", i.WHAT_CAN_I_BUY, {}),
    ("no-nicks", "en-US", "what can I buy here", i.WHAT_CAN_I_BUY, {}),
    ("no-nicks", "en-US", "what premium content do you have", i.WHAT_CAN_I_BUY, {}),
    ("no-nicks", "en-US", "what do you sell", i.BROWSE, {}),
    ("no-nicks", "en-US", "what have I bought", i.WHAT_HAVE_I_BOUGHT, {}),
    ("no-nicks", "en-US", "what do I own", i.WHAT_HAVE_I_BOUGHT, {}),
    ("no-nicks", "en-US", "buy the pro pack", i.BUY, {P: "pro_pack"}),
    ("no-nicks", "en-US", "buy the pro shaving pack", i.BUY, {P: "pro_pack"}),
    ("no-nicks", "en-US", "I want to buy the pro pack", i.BUY, {P: "pro_pack"}),
    ("no-nicks", "en-US", "join the shave club", i.BUY, {P: "shave_club"}),
    ("no-nicks", "en-US", "subscribe to the shave club", i.BUY, {P: "shave_club"}),
    ("no-nicks", "en-US", "buy guided shaves", i.BUY, {P: "guided_shaves"}),
    ("no-nicks", "en-US", "get more guided shaves", i.BUY, {P: "guided_shaves"}),
    ("no-nicks", "en-US", "tell me about the pro pack", i.ISP_PRODUCT_INFO, {P: "pro_pack"}),
    ("no-nicks", "en-US", "what is the shave club", i.ISP_PRODUCT_INFO, {P: "shave_club"}),
    ("no-nicks", "en-US", "more about guided shaves", i.ISP_PRODUCT_INFO, {P: "guided_shaves"}),
    ("no-nicks", "en-US", "cancel the shave club", i.CANCEL_SUBSCRIPTION, {P: "shave_club"}),
    (
        "no-nicks",
        "en-US",
        "cancel my shave club subscription",
        i.CANCEL_SUBSCRIPTION,
        {P: "shave_club"},
    ),
    ("no-nicks", "en-US", "cancel my membership", i.CANCEL_SUBSCRIPTION, {}),
    ("no-nicks", "en-US", "unsubscribe", i.CANCEL_SUBSCRIPTION, {}),
    ("no-nicks", "en-US", "cancel my subscription", i.CANCEL_REFILLS, {}),
    ("no-nicks", "en-US", "refund the pro pack", i.REFUND_ISP, {P: "pro_pack"}),
    ("no-nicks", "en-US", "return guided shaves", i.REFUND_ISP, {P: "guided_shaves"}),
    (
        "no-nicks",
        "en-US",
        "I want a refund for the pro pack",
        i.REFUND_ISP,
        {P: "pro_pack"},
    ),
    ("no-nicks", "en-US", "I want a refund", i.REFUND, {}),
    (
        "no-nicks",
        "en-US",
        "how many guided shaves do I have left",
        i.INVENTORY,
        {P: "guided_shaves"},
    ),
    ("no-nicks", "en-US", "how many do I have left", i.INVENTORY, {}),
    ("no-nicks", "en-US", "what's my balance", i.INVENTORY, {}),
    ("no-nicks", "en-US", "give me a tip", i.CONTENT, {C: TIPS}),
    ("no-nicks", "en-US", "tip please", i.CONTENT, {C: TIPS}),
    ("no-nicks", "en-US", "give me a shaving tip", i.CONTENT, {C: TIPS}),
    ("no-nicks", "en-US", "tell me another shaving tip", i.CONTENT, {C: TIPS}),
    ("no-nicks", "en-US", "play shaving tips", i.CONTENT, {C: TIPS}),
    ("no-nicks", "en-US", "another one", i.CONTENT, {}),
    ("no-nicks", "en-US", "order a starter kit", i.ORDER_PRODUCT, {"Product": "NN-KIT"}),
    ("no-nicks", "en-US", "buy some shaving cream", i.ORDER_PRODUCT, {"Product": "NN-CREAM-6"}),
    ("no-nicks", "en-GB", "what can I buy", i.WHAT_CAN_I_BUY, {}),
    ("no-nicks", "en-GB", "purchase the pro pack", i.BUY, {P: "pro_pack"}),
    ("no-nicks", "en-GB", "end my shave club membership", i.CANCEL_SUBSCRIPTION, {P: "shave_club"}),
    (
        "no-nicks",
        "en-GB",
        "how many guided shaves have I got left",
        i.INVENTORY,
        {P: "guided_shaves"},
    ),
    ("no-nicks", "en-GB", "another tip", i.CONTENT, {C: TIPS}),
    ("no-nicks", "de-DE", "was kann ich kaufen", i.WHAT_CAN_I_BUY, {}),
    ("no-nicks", "de-DE", "was habe ich gekauft", i.WHAT_HAVE_I_BOUGHT, {}),
    ("no-nicks", "de-DE", "kaufe das Profi-Paket", i.BUY, {P: "pro_pack"}),
    ("no-nicks", "de-DE", "Profi-Rasurpaket kaufen", i.BUY, {P: "pro_pack"}),
    ("no-nicks", "de-DE", "tritt dem Rasur-Club bei", i.BUY, {P: "shave_club"}),
    ("no-nicks", "de-DE", "kaufe geführte Rasuren", i.BUY, {P: "guided_shaves"}),
    ("no-nicks", "de-DE", "erzähl mir vom Rasur-Club", i.ISP_PRODUCT_INFO, {P: "shave_club"}),
    ("no-nicks", "de-DE", "was ist das Profi-Paket", i.ISP_PRODUCT_INFO, {P: "pro_pack"}),
    ("no-nicks", "de-DE", "Rasur-Club kündigen", i.CANCEL_SUBSCRIPTION, {P: "shave_club"}),
    ("no-nicks", "de-DE", "meine Mitgliedschaft kündigen", i.CANCEL_SUBSCRIPTION, {}),
    ("no-nicks", "de-DE", "mein Abo kündigen", i.CANCEL_REFILLS, {}),
    ("no-nicks", "de-DE", "geführte Rasuren zurückgeben", i.REFUND_ISP, {P: "guided_shaves"}),
    (
        "no-nicks",
        "de-DE",
        "wie viele geführte Rasuren habe ich noch",
        i.INVENTORY,
        {P: "guided_shaves"},
    ),
    ("no-nicks", "de-DE", "wie viele habe ich noch", i.INVENTORY, {}),
    ("no-nicks", "de-DE", "gib mir einen tip", i.CONTENT, {C: TIPS}),
    ("no-nicks", "de-DE", "spiel shaving tips", i.CONTENT, {C: TIPS}),
    ("no-nicks", "de-DE", "Rasiercreme kaufen", i.ORDER_PRODUCT, {"Product": "NN-CREAM-6"}),
    ("sleep-well", "en-US", "what can I buy", i.WHAT_CAN_I_BUY, {}),
    ("sleep-well", "en-US", "what do you sell", i.WHAT_CAN_I_BUY, {}),
    ("sleep-well", "en-US", "what have I bought", i.WHAT_HAVE_I_BOUGHT, {}),
    ("sleep-well", "en-US", "play a sleep session", i.CONTENT, {C: SESSIONS}),
    ("sleep-well", "en-US", "give me a sleep session", i.CONTENT, {C: SESSIONS}),
    ("sleep-well", "en-US", "another session", i.CONTENT, {C: SESSIONS}),
    ("sleep-well", "en-US", "buy five more sessions", i.BUY, {P: "five_more_sessions"}),
    ("sleep-well", "en-US", "buy more sleep sessions", i.BUY, {P: "five_more_sessions"}),
    ("sleep-well", "en-US", "subscribe to all sessions", i.BUY, {P: "all_sessions"}),
    (
        "sleep-well",
        "en-US",
        "tell me about all sleep sessions",
        i.ISP_PRODUCT_INFO,
        {P: "all_sessions"},
    ),
    (
        "sleep-well",
        "en-US",
        "how many sessions do I have left",
        i.INVENTORY,
        {P: "five_more_sessions"},
    ),
    (
        "sleep-well",
        "en-US",
        "cancel all sleep sessions",
        i.CANCEL_SUBSCRIPTION,
        {P: "all_sessions"},
    ),
    ("sleep-well", "en-US", "cancel my subscription", i.CANCEL_SUBSCRIPTION, {}),
    ("sleep-well", "en-US", "I want a refund", i.REFUND_ISP, {}),
    (
        "sleep-well",
        "en-US",
        "return five more sessions",
        i.REFUND_ISP,
        {P: "five_more_sessions"},
    ),
]


def test_the_utterances_cover_every_isp_intent_in_every_locale_of_both_demo_stores():
    for store, locale in [("no-nicks", "en-US"), ("no-nicks", "de-DE"), ("sleep-well", "en-US")]:
        said = {intent for s, loc, _, intent, _ in UTTERANCES if (s, loc) == (store, locale)}
        assert set(i.ISP) <= said, (store, locale)
    assert {loc for s, loc, *_ in UTTERANCES if s == "no-nicks"} == {"en-US", "en-GB", "de-DE"}


def expected_ids(store, slots):
    from catalog.models import Product

    ids = {}
    for name, want in slots.items():
        if want.startswith("collection:"):
            collection = ContentCollection.objects.get(store=store, name=want.split(":", 1)[1])
            ids[name] = str(collection.pk)
        elif name == i.PRODUCT_SLOT:
            ids[name] = str(Product.objects.get(store=store, sku=want).pk)
        else:
            ids[name] = want
    return ids


@pytest.fixture
def demo_stores(demo_store):
    sleep = seed_demo_isp(demo_store)
    return {"no-nicks": demo_store, "sleep-well": sleep}


def test_virtual_alexa_resolves_isp_utterances_to_the_intent_and_product(demo_stores, tmp_path):
    node = shutil.which("node")
    require(node is not None, "needs node on PATH")
    require(VIRTUAL_ALEXA.is_dir(), "needs node_modules/virtual-alexa (npm ci)")
    results = []
    for slug, store in demo_stores.items():
        out = tmp_path / slug
        write_skill_package(build_skill_package(store=store), out)
        models_dir = out / "skill-package" / "interactionModels" / "custom"
        config = {
            "applicationId": store.skill_ids.get().skill_id,
            "models": {loc: str(models_dir / f"{loc}.json") for loc in store.locales()},
            "utterances": [
                {"locale": loc, "text": text} for s, loc, text, *_ in UTTERANCES if s == slug
            ],
        }
        config_path = tmp_path / f"{slug}.json"
        config_path.write_text(json.dumps(config, ensure_ascii=False))
        run = subprocess.run(
            [node, str(DRIVER), str(config_path)],
            capture_output=True,
            text=True,
            timeout=240,
            cwd=ROOT,
            env={**os.environ, "NODE_NO_WARNINGS": "1"},
        )
        assert run.returncode == 0, run.stderr
        results += [(slug, r) for r in json.loads(run.stdout)]

    assert len(results) == len(UTTERANCES)
    seen, wanted = [], []
    for (slug, locale, text, intent, slots), (result_slug, result) in zip(
        UTTERANCES, results, strict=True
    ):
        assert (result_slug, result["locale"], result["text"]) == (slug, locale, text)
        assert result["ok"], (slug, locale, text, result.get("error"))
        filled = {name: slot["id"] for name, slot in result["slots"].items() if slot.get("value")}
        seen.append((slug, locale, text, result["intent"], filled))
        wanted.append((slug, locale, text, intent, expected_ids(demo_stores[slug], slots)))
        statuses = [result["slots"].get(name, {}).get("status") for name in slots]
        seen[-1] += (statuses,)
        wanted[-1] += (["ER_SUCCESS_MATCH"] * len(slots),)
    assert seen == wanted
