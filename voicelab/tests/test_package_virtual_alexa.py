"""virtual-alexa loads the exported interaction models and drives the running portal.

The test exports the No Nicks package, starts the portal (pytest-django's live server,
request verification off: virtual-alexa cannot sign requests), and runs
``voicelab/tests/virtual_alexa/drive.js``, which matches each utterance below against the
exported samples and slot synonyms with virtual-alexa and posts the request to ``/alexa/``.
Each utterance must reach the intended intent with the intended product (or category)
resolved, checked on the ``Interaction`` row the skill logged for it.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from catalog.models import Category, Product
from demo.seed import DEMO_SKILL_ID
from skill import intents as i
from skill.models import Interaction
from testing import require
from voicelab.package import build_skill_package, write_skill_package

ROOT = Path(django_settings.BASE_DIR)
DRIVER = ROOT / "voicelab" / "tests" / "virtual_alexa" / "drive.js"
VIRTUAL_ALEXA = ROOT / "node_modules" / "virtual-alexa"

KIT, BLADES, CREAM = "NN-KIT", "NN-BLADES-8", "NN-CREAM-6"

# (locale, what the shopper says, intent, expected slots: product SKU, "category:<name>",
#  or the number Alexa sends)
UTTERANCES = [
    ("en-US", "order a starter kit", i.ORDER_PRODUCT, {"Product": KIT}),
    ("en-US", "I need a razor", i.ORDER_PRODUCT, {"Product": KIT}),
    ("en-US", "two packs of refills", i.ORDER_PRODUCT, {"Product": BLADES, "Quantity": "2"}),
    ("en-US", "where is my order", i.ORDER_STATUS, {}),
    ("en-US", "cancel my order", i.CANCEL_ORDER, {}),
    ("en-US", "reorder", i.REORDER, {}),
    ("en-US", "buy some shaving cream", i.ORDER_PRODUCT, {"Product": CREAM}),
    ("en-US", "I want to order blades", i.ORDER_PRODUCT, {"Product": BLADES}),
    ("en-US", "three tubes of cream", i.ORDER_PRODUCT, {"Product": CREAM, "Quantity": "3"}),
    ("en-US", "what is the starter kit", i.PRODUCT_INFO, {"Product": KIT}),
    ("en-US", "how much are refills", i.PRODUCT_INFO, {"Product": BLADES}),
    ("en-US", "what refills do you have", i.BROWSE, {"Category": "category:Refills"}),
    ("en-US", "what can I buy", i.BROWSE, {}),
    ("en-US", "I want a refund", i.REFUND, {}),
    ("en-US", "cancel my refills", i.CANCEL_REFILLS, {}),
    ("en-US", "start over", i.START_OVER, {}),
    ("en-US", "help", i.HELP, {}),
    ("en-US", "order a refill pack", i.ORDER_PRODUCT, {"Product": BLADES}),
    ("en-GB", "I'd like a razor kit", i.ORDER_PRODUCT, {"Product": KIT}),
    ("en-GB", "where's my parcel", i.ORDER_STATUS, {}),
    ("en-GB", "order the same again", i.REORDER, {}),
    ("en-GB", "get me some razor blades", i.ORDER_PRODUCT, {"Product": BLADES}),
    ("en-GB", "can I cancel my order", i.CANCEL_ORDER, {}),
    ("en-GB", "how do I get a refund", i.REFUND, {}),
    ("en-GB", "two boxes of refills", i.ORDER_PRODUCT, {"Product": BLADES, "Quantity": "2"}),
    ("en-GB", "I'll take the menthol shaving cream", i.ORDER_PRODUCT, {"Product": CREAM}),
    ("en-GB", "stop sending refills", i.CANCEL_REFILLS, {}),
    ("en-GB", "how much does the shaving kit cost", i.PRODUCT_INFO, {"Product": KIT}),
    ("en-GB", "show me shaving cream", i.BROWSE, {"Category": "category:Shaving cream"}),
    ("en-GB", "order my usual", i.REORDER, {}),
    ("de-DE", "Nachfüllklingen bestellen", i.ORDER_PRODUCT, {"Product": BLADES}),
    ("de-DE", "ich brauche einen Rasierer", i.ORDER_PRODUCT, {"Product": KIT}),
    ("de-DE", "bestelle Rasiercreme", i.ORDER_PRODUCT, {"Product": CREAM}),
    ("de-DE", "ich möchte ein Starterset bestellen", i.ORDER_PRODUCT, {"Product": KIT}),
    ("de-DE", "2 packungen Klingen", i.ORDER_PRODUCT, {"Product": BLADES, "Quantity": "2"}),
    ("de-DE", "ich hätte gern Ersatzklingen", i.ORDER_PRODUCT, {"Product": BLADES}),
    ("de-DE", "wo ist meine Bestellung", i.ORDER_STATUS, {}),
    ("de-DE", "storniere meine Bestellung", i.CANCEL_ORDER, {}),
    ("de-DE", "nochmal bestellen", i.REORDER, {}),
    ("de-DE", "ich möchte mein Geld zurück", i.REFUND, {}),
    ("de-DE", "mein Abo kündigen", i.CANCEL_REFILLS, {}),
    ("de-DE", "was kostet das Starterset", i.PRODUCT_INFO, {"Product": KIT}),
    ("de-DE", "welche Nachfüllklingen habt ihr", i.BROWSE, {"Category": "category:Refills"}),
    ("de-DE", "was kann ich kaufen", i.BROWSE, {}),
    ("de-DE", "neue Bestellung", i.START_OVER, {}),
]


def test_at_least_forty_utterances_across_the_three_locales():
    assert len(UTTERANCES) >= 40
    assert {locale for locale, *_ in UTTERANCES} == {"en-US", "en-GB", "de-DE"}


@pytest.fixture
def no_verification(settings):
    settings.ALEXA_VERIFY_REQUESTS = False


def expected_ids(store, slots):
    ids = {}
    for name, want in slots.items():
        if want.startswith("category:"):
            ids[name] = str(Category.objects.get(store=store, name=want.split(":", 1)[1]).pk)
        elif name == "Product":
            ids[name] = str(Product.objects.get(store=store, sku=want).pk)
        else:
            ids[name] = want
    return ids


def test_virtual_alexa_reaches_the_intended_intent_and_product(
    transactional_db, demo_store, live_server, no_verification, tmp_path
):
    node = shutil.which("node")
    require(node is not None, "needs node on PATH")
    require(VIRTUAL_ALEXA.is_dir(), "needs node_modules/virtual-alexa (npm ci)")
    write_skill_package(build_skill_package(store=demo_store), tmp_path)
    models_dir = tmp_path / "skill-package" / "interactionModels" / "custom"
    config = {
        "skillUrl": f"{live_server.url}/alexa/",
        "applicationId": DEMO_SKILL_ID,
        "models": {loc: str(models_dir / f"{loc}.json") for loc in demo_store.locales()},
        "utterances": [{"locale": loc, "text": text} for loc, text, *_ in UTTERANCES],
    }
    config_path = tmp_path / "virtual-alexa.json"
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
    results = json.loads(run.stdout)
    failed = [r for r in results if not r["ok"]]
    assert failed == []
    logged = list(Interaction.objects.filter(store=demo_store).order_by("id"))
    assert len(logged) == len(UTTERANCES)
    seen, wanted = [], []
    for (locale, text, intent, slots), row, result in zip(UTTERANCES, logged, results, strict=True):
        seen.append((locale, text, row.request_type, row.intent, row.slots, row.locale))
        wanted.append(
            (locale, text, "IntentRequest", intent, expected_ids(demo_store, slots), locale)
        )
        for name, slot in result["slots"].items():
            if name in slots and not slots[name].isdigit():
                assert slot["status"] == "ER_SUCCESS_MATCH", (text, name, slot)
    assert seen == wanted
    assert {row.source for row in logged} == {"voice"}
    assert all(row.outcome for row in logged)
