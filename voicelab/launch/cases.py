"""The certification cases: the 2019 guide's rows for skills that sell with Amazon Pay (and
the order rows every shop needs) and for skills with in-skill purchasing, each played as a
conversation by a fresh test shopper (``dialogue.Dialogue``).

A case checks expectations in words (``Expect``): ``check`` notes one and goes on,
``require`` stops the case when the rest of the conversation depends on it. What is
expected comes from the store's own data (its name, products, prices, in-skill products and
content), the Alexa protocol (directives, cards, sessions) and the database (the order was
placed, cancelled, the refund request recorded), not from the skill's sentences, so a
change of wording never fails a case while a skill that says the wrong thing does.

``plan_cases(store)`` decides which rows apply to the store: Amazon Pay rows for stores
using Amazon Pay, an order paid on delivery for the others, order rows only when there is
something to order, ISP rows for stores with in-skill products (played only in ISP sandbox
mode, where the portal's sandbox can play Amazon).
"""

from django.utils import timezone

from catalog.models import Product
from isp.facts import LOCALE_MARKETPLACE, ProductType
from isp.models import (
    ContentAccess,
    ContentCollection,
    ContentItem,
    InSkillProduct,
)
from isp.selectors import store_in_isp_sandbox, upsell_settings
from merchant.models import Store
from skill import intents as i
from voicelab.console.matcher import Matcher
from voicelab.package import PackageInvalid, build_skill_package

from .expectations import AMAZON_PAY, ISP, ORDERS, CannotRun, Case, Plan
from .isp_cases import (
    buy_and_use,
    cancel_subscription,
    decline_suggestion,
    payment_error,
    refund_in_skill_product,
    suggestion_without_price,
    what_can_i_buy,
)
from .order_cases import (
    amazon_pay_order,
    cancel_order,
    declined_payment,
    help_and_stop,
    order_status,
    pay_on_delivery_order,
    permission_not_granted,
    refund_guidance,
)
from .recorded import recorded_cases

# The plan ----------------------------------------------------------------------------------


GOODS_CASES = [
    Case(
        "amazon_pay_order",
        "Order a product, paying with Amazon Pay",
        "Order an item: before ordering the skill confirms the seller of record, the "
        "products, the delivery details and the total with tax and shipping; after, it "
        "confirms the order by voice and with a card.",
        AMAZON_PAY,
        amazon_pay_order,
    ),
    Case(
        "pay_on_delivery_order",
        "Order a product, paying on delivery",
        "Order an item: the skill confirms the seller of record, the products, the delivery "
        "details and the total, then confirms the order by voice and with a card.",
        ORDERS,
        pay_on_delivery_order,
    ),
    Case(
        "declined_payment",
        "A declined payment, then trying again",
        "A declined payment: Amazon Pay tells the shopper; the skill does not repeat it, "
        "resumes, and the order can be completed later.",
        AMAZON_PAY,
        declined_payment,
    ),
    Case(
        "permission_not_granted",
        "Amazon Pay permission not granted",
        "Without the Amazon Pay permission the skill asks for it with a permissions card "
        "instead of ordering.",
        AMAZON_PAY,
        permission_not_granted,
        consent="DENIED",
    ),
    Case(
        "order_status",
        "Where is my order",
        "After ordering, the shopper can ask about the order.",
        ORDERS,
        order_status,
    ),
    Case(
        "cancel_order",
        "Cancel an order",
        "Complete an order and cancel it: the skill tells the user how the order is "
        "cancelled and what happens to the payment.",
        ORDERS,
        cancel_order,
    ),
    Case(
        "refund_guidance",
        "Ask for a refund",
        "Request a refund: the skill tells the user how to get one.",
        ORDERS,
        refund_guidance,
    ),
]
HELP_CASE = Case(
    "help_and_stop",
    "Help, stop and cancel",
    "Help explains what the skill does and keeps listening; stop and cancel end the skill.",
    ORDERS,
    help_and_stop,
)
ISP_CASES = [
    Case(
        "what_can_i_buy",
        "What can I buy",
        'Ask "what can I buy" (needed for promotion): the user hears every product of every type.',
        ISP,
        what_can_i_buy,
    ),
    Case(
        "suggestion_without_price",
        "A suggestion in context, without a price",
        "Purchase suggestions make sense in context, say what is offered and why, name no "
        "price and differ from the purchase prompt.",
        ISP,
        suggestion_without_price,
    ),
    Case(
        "buy_and_use",
        "Buy each product and use it at once",
        "Ask to buy each product: the user can buy every product and use it immediately.",
        ISP,
        buy_and_use,
    ),
    Case(
        "decline_suggestion",
        "Decline a suggestion",
        "Decline a suggestion: the user does not enter the purchase flow and the free content "
        "goes on.",
        ISP,
        decline_suggestion,
    ),
    Case(
        "cancel_subscription",
        "Cancel a subscription by voice",
        "For a subscription: the user can cancel it with a voice request.",
        ISP,
        cancel_subscription,
    ),
    Case(
        "refund_in_skill_product",
        "Ask for a refund of an in-skill purchase",
        "For one-time purchases and consumables: asking for a refund directs the user to "
        "Amazon customer support.",
        ISP,
        refund_in_skill_product,
    ),
    Case(
        "payment_error",
        "A payment error in Amazon's purchase dialogue",
        "With invalid payment details Amazon reports the failure; the skill does not repeat "
        "it and resumes with owned or free content.",
        ISP,
        payment_error,
    ),
]
NOT_IN_ISP_SANDBOX = (
    "Not played: the store is not in ISP sandbox mode, so Amazon's purchase dialogue cannot "
    "be played here. Turn ISP sandbox mode on in the store's ISP settings to play it (and off "
    "again before you submit the skill)."
)


def plan_cases(store: Store) -> Plan:
    """The cases that apply to ``store`` and what they need; raises ``CannotRun``."""
    skill_id = store.skill_ids.order_by("pk").values_list("skill_id", flat=True).first()
    if not skill_id:
        raise CannotRun(
            "The store has no Alexa skill id, so the skill cannot find it: add the id in the "
            "store's settings."
        )
    locale = store.default_locale
    try:
        package = build_skill_package(store=store)
    except PackageInvalid as invalid:
        raise CannotRun(
            "The skill package cannot be built, so there is no interaction model to talk "
            f"to: {' '.join(invalid.errors)}"
        ) from None
    model = package.models[locale]
    plan = Plan(store=store, locale=locale, skill_id=skill_id, matcher=Matcher(model, locale))
    values = {
        t["name"]: t["values"] for t in model["interactionModel"]["languageModel"].get("types", [])
    }
    _choose_goods(plan, values.get(i.PRODUCT_TYPE, []))
    _choose_isp(plan, values.get(i.ISP_PRODUCT_TYPE, []), values.get(i.COLLECTION_TYPE, []))
    plan.cases += recorded_cases(plan)
    return plan


def _choose_goods(plan: Plan, values: list[dict]) -> None:
    store = plan.store
    products = {str(p.pk): p for p in Product.objects.filter(store=store, active=True, price__gt=0)}
    for value in values:
        product = products.get(str(value["id"]))
        if product is not None and (product.stock is None or product.stock >= 1):
            plan.goods, plan.goods_words = product, _spoken(product.spoken_name, value)
            break
    if plan.goods is None:
        plan.notes.append(
            "No product can be ordered (none is active, priced and in stock): the order rows "
            "do not apply."
        )
    else:
        if store.uses_amazon_pay:
            wanted = {"amazon_pay_order", "declined_payment", "permission_not_granted"}
        else:
            wanted = {"pay_on_delivery_order"}
        wanted |= {"order_status", "cancel_order", "refund_guidance"}
        plan.cases += [case for case in GOODS_CASES if case.key in wanted]
    plan.cases.append(HELP_CASE)


def _choose_isp(plan: Plan, product_values: list[dict], collection_values: list[dict]) -> None:
    store, locale = plan.store, plan.locale
    marketplace = LOCALE_MARKETPLACE.get(locale, "amazon.com")
    now = timezone.now()
    products = {
        p.reference_name: p
        for p in InSkillProduct.objects.filter(store=store, purchasable=True).prefetch_related(
            "localizations", "prices"
        )
    }
    for value in product_values:
        product = products.get(value["id"])
        if product is not None and any(
            price.marketplace == marketplace and price.release_date <= now
            for price in product.prices.all()
        ):
            plan.isp_products.append((product, _spoken("", value)))
    if not plan.isp_products:
        if products:
            plan.notes.append(
                f"No in-skill product is on sale in {locale} ({marketplace}): the in-skill "
                "purchasing rows do not apply."
            )
        return
    collections = {str(c.pk): c for c in ContentCollection.objects.filter(store=store, active=True)}
    premium_collections = set(
        ContentItem.objects.filter(store=store, active=True)
        .exclude(access=ContentAccess.FREE)
        .values_list("collection_id", flat=True)
    )
    for value in collection_values:
        collection = collections.get(str(value["id"]))
        if collection is not None and collection.pk in premium_collections:
            plan.collections.append((collection, _spoken(collection.spoken_name, value)))
    wanted = {"what_can_i_buy", "buy_and_use", "payment_error"}
    if plan.collections and upsell_settings(store) > 0:
        wanted |= {"suggestion_without_price", "decline_suggestion"}
    else:
        plan.notes.append(
            "The skill makes no purchase suggestions (no premium content, or suggestions per "
            "session set to 0): the suggestion rows do not apply."
        )
    if plan.first_isp(ProductType.SUBSCRIPTION):
        wanted.add("cancel_subscription")
    else:
        plan.notes.append("No subscription is sold: cancelling one by voice does not apply.")
    if plan.first_isp(ProductType.ENTITLEMENT, ProductType.CONSUMABLE):
        wanted.add("refund_in_skill_product")
    else:
        plan.notes.append(
            "No one-time purchase or consumable is sold: asking for its refund does not apply."
        )
    playable = store_in_isp_sandbox(store)
    for case in ISP_CASES:
        if case.key in wanted:
            plan.cases.append(case if playable else _skipped(case, NOT_IN_ISP_SANDBOX))


def _spoken(preferred: str, value: dict) -> str:
    """How the test shopper names a slot value: ``preferred`` (the spoken name) when the
    model knows it as the value or a synonym, else the value, in lower case as spoken."""
    known = [value["name"]["value"], *value["name"].get("synonyms", [])]
    if preferred and preferred.lower() in {k.lower() for k in known}:
        return preferred.lower()
    return value["name"]["value"].lower()


def _skipped(case: Case, reason: str) -> Case:
    return Case(case.key, case.title, case.row, case.group, case.play, case.consent, reason)
