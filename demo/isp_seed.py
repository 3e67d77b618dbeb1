"""In-skill purchasing for the demos (idempotent, like ``seed.py``): what exists is kept.

- No Nicks gains free shaving tips and three products: a one-time "pro pack" of advanced
  tips, a monthly shave club with a 7-day trial, and a consumable pack of three guided shave
  sessions.
- Sleep Well, a digital-only store (no physical goods), follows the 2019 guide's
  hypnotherapy story: six free sleep sessions, a consumable of five more, and a subscription
  that unlocks them all.

Both stores are in ISP sandbox mode: their purchases go to the portal's own sandbox.
"""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from isp.facts import ProductType, SubscriptionPeriod, TaxCategory
from isp.models import (
    ContentAccess,
    ContentCollection,
    ContentItem,
    ContentItemLocalization,
    InSkillProduct,
    InSkillProductLocalization,
    InSkillProductPrice,
    IspSettings,
)
from merchant.models import PaymentMode, Role, SkillId, StaffMembership, Store

SLEEP_SLUG = "sleep-well"
SLEEP_SKILL_ID = "amzn1.ask.skill.3b9e2c4d-6f70-4a81-9b2c-1d2e3f4a5b6c"
RELEASED = datetime(2024, 1, 1, tzinfo=UTC)
# Where the No Nicks products are sold: the countries of the three priced marketplaces it uses.
SOLD_IN = ["US", "GB", "IE", "DE", "AT"]

NO_NICKS_PRODUCTS: list[dict[str, Any]] = [
    {
        "reference_name": "pro_pack",
        "type": ProductType.ENTITLEMENT,
        "prices": {"amazon.com": "2.99", "amazon.co.uk": "2.49", "amazon.de": "2.99"},
        "texts": {
            "en": (
                "Pro Shaving Pack",
                "Ten advanced tips from professional barbers.",
                "Ten advanced shaving tips from professional barbers, yours to replay.",
                "Want the barbers' secrets for a closer shave?",
                "You can now hear the pro shaving tips.",
                ["buy the pro pack", "what is in the pro pack"],
            ),
            "de": (
                "Profi-Rasurpaket",
                "Zehn Profi-Tipps von Barbieren.",
                "Zehn fortgeschrittene Rasurtipps von Barbieren, jederzeit abrufbar.",
                "Möchtest du die Geheimnisse der Barbiere kennen?",
                "Du kannst jetzt die Profi-Tipps hören.",
                ["kaufe das Profi-Paket"],
            ),
        },
    },
    {
        "reference_name": "shave_club",
        "type": ProductType.SUBSCRIPTION,
        "subscription_period": SubscriptionPeriod.MONTHLY,
        "trial_days": 7,
        "prices": {"amazon.com": "1.99", "amazon.co.uk": "1.79", "amazon.de": "1.99"},
        "texts": {
            "en": (
                "Shave Club",
                "Every premium tip and session, new ones each month.",
                "Monthly access to every premium shaving tip and guided session.",
                "Would you like every premium tip, new ones each month?",
                "Welcome to the Shave Club.",
                ["join the shave club", "subscribe to the shave club"],
            ),
            "de": (
                "Rasur-Club",
                "Alle Premium-Tipps und Sitzungen, jeden Monat neue.",
                "Monatlicher Zugang zu allen Premium-Tipps und geführten Rasuren.",
                "Möchtest du jeden Monat neue Premium-Tipps?",
                "Willkommen im Rasur-Club.",
                ["tritt dem Rasur-Club bei"],
            ),
        },
    },
    {
        "reference_name": "guided_shaves",
        "type": ProductType.CONSUMABLE,
        "units_per_purchase": 3,
        "prices": {"amazon.com": "0.99", "amazon.co.uk": "0.99", "amazon.de": "0.99"},
        "texts": {
            "en": (
                "Three Guided Shaves",
                "Three step-by-step guided shave sessions.",
                "Three guided shave sessions; each one is used up when you play it.",
                "Shall I walk you through a shave, step by step?",
                "Three guided shaves are ready for you.",
                ["buy guided shaves", "get more guided shaves"],
            ),
            "de": (
                "Drei geführte Rasuren",
                "Drei Schritt-für-Schritt-Rasuren.",
                "Drei geführte Rasuren; jede wird beim Abspielen verbraucht.",
                "Soll ich dich Schritt für Schritt durch eine Rasur führen?",
                "Drei geführte Rasuren warten auf dich.",
                ["kaufe geführte Rasuren"],
            ),
        },
    },
]

NO_NICKS_TIPS = [
    # title, spoken text, access, product reference name
    ("Warm water", "Shave after a warm shower: soft whiskers cut cleanly.", "free", ""),
    ("With the grain", "Shave with the grain first, then across it.", "free", ""),
    ("Rinse the blade", "Rinse the blade after every stroke.", "free", ""),
    (
        "Blade angle",
        "Hold the blade at thirty degrees and let its weight work.",
        "one_time",
        "pro_pack",
    ),
    ("Cold finish", "Finish with cold water to calm the skin.", "one_time", "pro_pack"),
    ("Monthly tip", "This month: map your beard's growth before you start.", "subscription", ""),
    (
        "Guided shave",
        "Let's shave together. Lather up, and tell me when you are ready.",
        "consumable",
        "guided_shaves",
    ),
]

SLEEP_PRODUCTS = [
    {
        "reference_name": "five_more_sessions",
        "type": ProductType.CONSUMABLE,
        "units_per_purchase": 5,
        "tax_category": TaxCategory.STREAMING_AUDIO,
        "prices": {"amazon.com": "2.99"},
        "texts": {
            "en": (
                "Five More Sessions",
                "Five more guided sleep sessions.",
                "Five premium hypnotherapy sessions for deeper sleep, one used per session.",
                "Would you like to try a deeper sleep session?",
                "Five sleep sessions are ready for you.",
                ["buy more sleep sessions", "get five more sessions"],
            )
        },
    },
    {
        "reference_name": "all_sessions",
        "type": ProductType.SUBSCRIPTION,
        "subscription_period": SubscriptionPeriod.MONTHLY,
        "trial_days": 7,
        "tax_category": TaxCategory.STREAMING_AUDIO,
        "prices": {"amazon.com": "4.99"},
        "texts": {
            "en": (
                "All Sleep Sessions",
                "Every premium sleep session, as often as you like.",
                "Unlimited access to every premium hypnotherapy session.",
                "Would you like every premium session, whenever you need it?",
                "Every sleep session is now yours.",
                ["subscribe to all sessions", "unlock all sessions"],
            )
        },
    },
]

SLEEP_FREE = ["Letting go", "Heavy limbs", "Slow breath", "Quiet mind", "Warm light", "Drifting"]
SLEEP_PREMIUM = ["Deep rest", "Ocean night", "Calm return", "Night garden", "Still water"]


@transaction.atomic
def seed_demo_isp(no_nicks: Store) -> Store:
    """ISP for No Nicks and the Sleep Well store; returns the Sleep Well store."""
    if not no_nicks.privacy_policy_url:
        no_nicks.privacy_policy_url = "https://nonicks.example.com/privacy"
        no_nicks.save(update_fields=["privacy_policy_url"])
    IspSettings.objects.get_or_create(store=no_nicks, defaults={"sandbox_mode": True})
    products = {
        spec["reference_name"]: _product(no_nicks, spec, "nonicks") for spec in NO_NICKS_PRODUCTS
    }
    tips, _ = ContentCollection.objects.get_or_create(
        store=no_nicks, name="Shaving tips", defaults={"spoken_name": "shaving tips"}
    )
    for position, (title, text, access, ref) in enumerate(NO_NICKS_TIPS, start=1):
        _item(tips, position, title, text, access, products.get(ref))

    sleep = _sleep_store()
    IspSettings.objects.get_or_create(store=sleep, defaults={"sandbox_mode": True})
    sleep_products = {s["reference_name"]: _product(sleep, s, "sleepwell") for s in SLEEP_PRODUCTS}
    sessions, _ = ContentCollection.objects.get_or_create(
        store=sleep, name="Sleep sessions", defaults={"spoken_name": "sleep sessions"}
    )
    for position, title in enumerate(SLEEP_FREE + SLEEP_PREMIUM, start=1):
        premium = title in SLEEP_PREMIUM
        _item(
            sessions,
            position,
            title,
            f"Here is {title.lower()}. Settle in, close your eyes, and breathe slowly.",
            "consumable" if premium else "free",
            sleep_products["five_more_sessions"] if premium else None,
            audio=f"https://sleepwell.example.com/sessions/{position:02d}.mp3",
        )
    return sleep


def _sleep_store() -> Store:
    store, _ = Store.objects.get_or_create(
        slug=SLEEP_SLUG,
        defaults=dict(
            name="Sleep Well",
            invocation_name="sleep well sessions",
            default_locale="en-US",
            enabled_locales=["en-US"],
            currency="USD",
            # Digital only: nothing is shipped or paid with Amazon Pay.
            payment_mode=PaymentMode.PAY_ON_DELIVERY,
            country_of_establishment="US",
            support_email="help@sleepwell.example.com",
            privacy_policy_url="https://sleepwell.example.com/privacy",
        ),
    )
    SkillId.objects.get_or_create(skill_id=SLEEP_SKILL_ID, defaults={"store": store})
    for username, role in [("owner", Role.OWNER), ("editor", Role.CATALOG_EDITOR)]:
        user = get_user_model().objects.filter(username=username).first()
        if user is not None:
            StaffMembership.objects.get_or_create(user=user, store=store, defaults={"role": role})
    return store


def _product(store, spec, domain) -> InSkillProduct:
    ref = spec["reference_name"]
    product, made = InSkillProduct.objects.get_or_create(
        store=store,
        reference_name=ref,
        defaults=dict(
            type=spec["type"],
            subscription_period=spec.get("subscription_period", ""),
            trial_days=spec.get("trial_days", 0),
            units_per_purchase=spec.get("units_per_purchase", 1),
            small_icon_url=f"https://{domain}.example.com/isp/{ref}-108.png",
            large_icon_url=f"https://{domain}.example.com/isp/{ref}-512.png",
            tax_category=spec.get("tax_category", TaxCategory.INFORMATION_SERVICES),
            distribution_countries=SOLD_IN if len(spec["prices"]) > 1 else ["US"],
            testing_instructions=f"Say 'buy {ref.replace('_', ' ')}' and accept the offer.",
        ),
    )
    if not made:
        return product
    for locale in store.locales():
        name, summary, description, prompt, card, phrases = spec["texts"][locale[:2]]
        InSkillProductLocalization.objects.create(
            store=store,
            product=product,
            locale=locale,
            name=name,
            summary=summary,
            description=description,
            example_phrases=phrases,
            keywords=[w for w in name.lower().split() if len(w) > 3],
            purchase_prompt=prompt,
            bought_card_text=card,
        )
    for marketplace, price in spec["prices"].items():
        InSkillProductPrice.objects.create(
            store=store,
            product=product,
            marketplace=marketplace,
            price=Decimal(price),
            release_date=RELEASED,
        )
    return product


def _item(collection, position, title, text, access, product, audio=""):
    item, made = ContentItem.objects.get_or_create(
        collection=collection,
        title=title,
        defaults=dict(
            store=collection.store,
            position=position,
            spoken_text=text,
            access=ContentAccess(access),
            product=product,
            audio_url=audio,
            audio_seconds=240 if audio else None,
        ),
    )
    if made and collection.store.slug == "no-nicks" and access == "free":
        ContentItemLocalization.objects.create(
            store=collection.store, item=item, locale="de-DE", spoken_text=GERMAN_TIPS[title]
        )
    return item


GERMAN_TIPS = {
    "Warm water": "Rasiere dich nach einer warmen Dusche: weiche Barthaare schneiden sich sauber.",
    "With the grain": "Rasiere zuerst mit dem Strich, dann quer dazu.",
    "Rinse the blade": "Spüle die Klinge nach jedem Zug ab.",
}
