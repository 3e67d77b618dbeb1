"""The No Nicks demo store: a razor starter kit, blade refills and shaving cream.

``seed_demo_store()`` is idempotent: it creates what is missing and leaves what exists
(including an owner's edits) alone.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from analytics import periods
from analytics import services as analytics
from catalog.models import (
    Category,
    CategoryLocalization,
    Product,
    ProductLocalization,
    ProductSynonym,
)
from demo.history import DAYS, seed_history
from demo.isp_seed import seed_demo_isp
from demo.shoppers_seed import ShoppersSummary, seed_demo_shoppers
from merchant.models import PaymentMode, Role, SkillId, StaffMembership, Store

DEMO_SLUG = "no-nicks"
DEMO_SKILL_ID = "amzn1.ask.skill.7d3c1f0e-5a2b-4c8d-9e6f-0a1b2c3d4e5f"
DEMO_PASSWORD = "nonicks-demo"
DEMO_USERS = [
    ("owner", Role.OWNER, True),
    ("editor", Role.CATALOG_EDITOR, False),
    ("support", Role.SUPPORT_AGENT, True),
]

CATEGORIES = [
    # name, spoken name, position, German spoken name
    ("Starter kits", "a starter kit", 1, "ein Starterset"),
    ("Refills", "refills", 2, "Nachfüllklingen"),
    ("Shaving cream", "shaving cream", 3, "Rasiercreme"),
]

PRODUCTS: list[dict[str, Any]] = [
    {
        "sku": "NN-KIT",
        "category": "Starter kits",
        "name": "No Nicks Starter Kit",
        "spoken_name": "starter kit",
        # 16 words with "for 9 dollars": room for any price ("9 dollars and 99 cents").
        "spoken_description": "a weighted razor handle, three blades and menthol shaving cream",
        "card_description": "Weighted razor handle, 3 blades, 2 oz menthol shaving cream.",
        "price": Decimal("9.00"),
        "stock": 500,
        "best_seller": True,
        "repeat_purchase": False,
        "refill_interval_weeks": None,
        "synonyms": ["starter kit", "razor", "razor kit", "shaving kit", "kit", "a razor"],
        "de": (
            "Starterset",
            "einen beschwerten Rasierergriff, drei Klingen und eine Tube Menthol-Rasiercreme",
            ["Starterset", "Rasierer", "Rasierset"],
        ),
    },
    {
        "sku": "NN-BLADES-8",
        "category": "Refills",
        "name": "No Nicks Blade Refills",
        "spoken_name": "blade refill pack",
        "spoken_description": "eight sharp five-layer blades that fit your No Nicks handle",
        "card_description": "8 replacement blades. Ships every two months on the refill plan.",
        "price": Decimal("15.00"),
        "stock": None,
        "best_seller": True,
        "repeat_purchase": True,
        "refill_interval_weeks": 8,
        "synonyms": [
            "refills",
            "refill",
            "blades",
            "razor blades",
            "blade refills",
            "refill pack",
            "packs of refills",
            "pack of refills",
        ],
        "de": (
            "Nachfüllklingen",
            "acht scharfe Klingen für deinen No Nicks Griff",
            ["Nachfüllklingen", "Klingen", "Ersatzklingen", "Rasierklingen"],
        ),
    },
    {
        "sku": "NN-CREAM-6",
        "category": "Shaving cream",
        "name": "No Nicks Menthol Shaving Cream",
        "spoken_name": "menthol shaving cream",
        "spoken_description": "a six-ounce tube of cooling menthol shaving cream",
        "card_description": "6 oz menthol shaving cream.",
        "price": Decimal("7.00"),
        "stock": 300,
        "best_seller": False,
        "repeat_purchase": True,
        "refill_interval_weeks": None,
        "synonyms": ["shaving cream", "cream", "menthol cream", "shave cream"],
        "de": (
            "Rasiercreme",
            "eine große Tube kühlende Menthol-Rasiercreme",
            ["Rasiercreme", "Creme", "Mentholcreme"],
        ),
    },
]


@dataclass
class SeedResult:
    store: Store
    created: bool
    history: list = field(default_factory=list)  # demo.history.Summary per store
    shoppers: ShoppersSummary | None = None


@transaction.atomic
def seed_demo_store() -> SeedResult:
    store, created = Store.objects.get_or_create(
        slug=DEMO_SLUG,
        defaults=dict(
            name="No Nicks",
            invocation_name="no nicks",
            default_locale="en-US",
            enabled_locales=["en-US", "en-GB", "de-DE"],
            currency="USD",
            payment_mode=PaymentMode.CHARGE_NOW,
            amazon_pay_seller_id="A2DEMOSELLER0NN",
            country_of_establishment="US",
            sandbox_mode=True,
            sandbox_customer_email="shopper@example.com",
            tax_rate=Decimal("0.0800"),
            shipping_fee=Decimal("0.00"),
            free_shipping_threshold=None,
            delivery_promise="Your order ships within two business days.",
            support_phone="+1 206 555 0100",
            support_email="help@nonicks.example.com",
            support_url="https://nonicks.example.com/help",
            refund_policy="Unopened items can be returned within 30 days for a full refund.",
            cancellation_policy="Orders can be cancelled until they ship.",
        ),
    )
    SkillId.objects.get_or_create(skill_id=DEMO_SKILL_ID, defaults={"store": store})

    categories = {}
    for name, spoken, position, german in CATEGORIES:
        category, made = Category.objects.get_or_create(
            store=store, name=name, defaults={"spoken_name": spoken, "position": position}
        )
        if made:
            CategoryLocalization.objects.create(
                store=store, category=category, locale="de-DE", spoken_name=german
            )
        categories[name] = category

    for spec in PRODUCTS:
        fields = {k: v for k, v in spec.items() if k not in {"sku", "category", "synonyms", "de"}}
        product, made = Product.objects.get_or_create(
            store=store,
            sku=spec["sku"],
            defaults={**fields, "category": categories[spec["category"]], "currency": "USD"},
        )
        if not made:
            continue
        for value in spec["synonyms"]:
            ProductSynonym.objects.create(store=store, product=product, value=value, locale="")
        de_name, de_description, de_synonyms = spec["de"]
        ProductLocalization.objects.create(
            store=store,
            product=product,
            locale="de-DE",
            spoken_name=de_name,
            spoken_description=de_description,
        )
        for value in de_synonyms:
            ProductSynonym.objects.create(store=store, product=product, value=value, locale="de-DE")

    User = get_user_model()
    for username, role, can_refund in DEMO_USERS:
        user, made = User.objects.get_or_create(
            username=username,
            defaults={"is_staff": True, "email": f"{username}@nonicks.example.com"},
        )
        if made:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        StaffMembership.objects.get_or_create(
            user=user, store=store, defaults={"role": role, "can_refund": can_refund}
        )
    return SeedResult(store=store, created=created)


def seed_demos(*, history: bool = True, days: int = DAYS) -> SeedResult:
    """Everything ``make run`` shows: the No Nicks store, then in-skill purchasing for it and
    the digital-only Sleep Well store (``demo/isp_seed.py``), then ``days`` of history for
    both (``demo/history.py``; ``history=False`` skips it). The tests' ``demo_store`` fixture
    seeds No Nicks alone."""
    result = seed_demo_store()
    result.shoppers = seed_demo_shoppers(result.store, password=DEMO_PASSWORD)
    sleep_well = seed_demo_isp(result.store)
    if history:
        result.history = [
            seed_history(result.store, days=days),
            seed_history(sleep_well, days=days),
        ]
        for store in (result.store, sleep_well):  # the dashboard reads closed days from these
            roll_up_history(store, days=days)
    return result


def roll_up_history(store, *, days: int) -> None:
    """Roll the demo history up, as the hourly beat task would have done day by day."""
    yesterday = periods.store_today(store) - periods.ONE_DAY
    analytics.store_rollup_days(
        store=store, first=yesterday - timedelta(days=days - 1), last=yesterday
    )
