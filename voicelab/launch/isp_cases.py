"""The in-skill purchasing rows of the certification cases: what can I buy, a suggestion
without a price, buy and use at once, decline a suggestion, cancel a subscription, a refund
request sent to Amazon, a payment error not repeated."""

from django.utils import timezone

from isp.facts import ProductType
from isp.models import (
    ContentAccess,
    ContentItem,
    InSkillProduct,
    SandboxEntitlement,
)
from isp.sandbox import state_of
from isp.texts import price_mentions
from skill import intents as i
from skill import speech

from .dialogue import Answer, Dialogue
from .expectations import EXTRA_CONTENT_TURNS, Expect, Plan, contains, heard, open_skill, say

# In-skill purchasing rows ------------------------------------------------------------------


def _items(store, locale: str) -> list[tuple[ContentItem, str]]:
    items = ContentItem.objects.filter(
        store=store, active=True, collection__active=True
    ).prefetch_related("localizations")
    return [(item, item.text_for(locale)) for item in items]


def free_texts(plan: Plan) -> list[str]:
    items = _items(plan.store, plan.locale)
    return [text for item, text in items if item.access == ContentAccess.FREE]


def opened_texts(plan: Plan, product: InSkillProduct) -> list[str]:
    """What buying ``product`` opens (the content the skill should deliver at once)."""
    opened = []
    for item, text in _items(plan.store, plan.locale):
        if product.type == ProductType.SUBSCRIPTION:
            if item.access in (ContentAccess.SUBSCRIPTION, ContentAccess.ONE_TIME):
                opened.append(text)
        elif item.product_id == product.pk:
            opened.append(text)
    return opened


def says_one_of(answer: Answer, texts: list[str]) -> bool:
    return any(contains(answer.speech, text) for text in texts)


def what_can_i_buy(plan: Plan, d: Dialogue, x: Expect) -> None:
    open_skill(plan, d, x)
    answer = say(plan, d, x, "what can I buy", i.WHAT_CAN_I_BUY, note=True)
    names = [plan.product_name(product) for product, _ in plan.isp_products]
    missing = [name for name in names if not contains(answer.speech, name)]
    x.check(
        not missing,
        f"Alexa names every product for sale ({', '.join(names)})",
        f"not said: {', '.join(missing)}; " + heard(answer),
    )
    x.check(answer.session_open, "The skill waits for the shopper's choice", heard(answer))


def reach_suggestion(plan: Plan, d: Dialogue, x: Expect) -> dict:
    """Ask for content until the skill suggests a product; returns its Upsell directive."""
    open_skill(plan, d, x)
    turns = len(_items(plan.store, plan.locale)) + EXTRA_CONTENT_TURNS
    answer = None
    for _collection, words in plan.collections:
        answer = say(plan, d, x, f"play {words}", i.CONTENT)
        for _ in range(turns):
            if answer.isp_directive() or not answer.session_open:
                break
            answer = say(plan, d, x, "another one", i.CONTENT)
        if answer.isp_directive():
            break
    directive = answer.isp_directive("Upsell") if answer else None
    x.require(
        directive,
        "After the free content, the skill suggests a product (an Upsell directive)",
        heard(answer),
    )
    assert directive is not None  # required above
    return directive


def suggestion_without_price(plan: Plan, d: Dialogue, x: Expect) -> None:
    directive = reach_suggestion(plan, d, x)
    payload = directive.get("payload") or {}
    message = " ".join(str(payload.get("upsellMessage") or "").split())
    product = next(
        (
            p
            for p, _ in plan.isp_products
            if p.amazon_product_id == (payload.get("InSkillProduct") or {}).get("productId")
        ),
        None,
    )
    x.require(product, "The suggestion is for a product on sale", f"it names {payload}")
    assert product is not None  # required above
    name = plan.product_name(product)
    texts = product.texts(plan.locale)
    prompt = texts.purchase_prompt if texts else ""
    x.check(
        contains(message, name),
        f"The suggestion says what the shopper would buy (the {name})",
        f'it says "{message}"',
    )
    x.check(
        message.rstrip().endswith("?"),
        "The suggestion ends in a yes/no question",
        f'it says "{message}"',
    )
    prices = price_mentions(message)
    x.check(
        not prices,
        "The suggestion names no price (Amazon states it)",
        f"it mentions {', '.join(prices)}",
    )
    x.check(
        not prompt or " ".join(prompt.split()) != message,
        "The suggestion differs from the purchase prompt Amazon reads next",
        "they are the same",
    )
    assert d.last is not None  # the suggestion's answer
    x.check(
        not d.last.speech,
        "The skill leaves the suggestion to Alexa (no speech of its own with the directive)",
        heard(d.last),
    )


def decline_suggestion(plan: Plan, d: Dialogue, x: Expect) -> None:
    reach_suggestion(plan, d, x)
    answer = d.purchase("decline")
    free = free_texts(plan)
    x.check(
        not answer.isp_directive(),
        "After the shopper says no, the skill does not start a purchase",
        heard(answer),
    )
    x.check(
        answer.session_open and says_one_of(answer, free),
        "The free content goes on",
        heard(answer),
    )
    answer = say(plan, d, x, "yes", i.YES)
    x.check(
        not answer.isp_directive() and says_one_of(answer, free),
        "Asking for more gives free content, not the declined suggestion again",
        heard(answer),
    )


def buy(plan: Plan, d: Dialogue, x: Expect, product: InSkillProduct, words: str) -> Answer:
    answer = say(plan, d, x, f"buy the {words}", i.BUY)
    directive = answer.isp_directive("Buy")
    x.require(
        directive
        and (directive.get("payload") or {}).get("InSkillProduct", {}).get("productId")
        == product.amazon_product_id,
        f'"buy the {words}" goes straight to Amazon\'s purchase of the '
        f"{plan.product_name(product)} (a Buy directive)",
        heard(answer),
    )
    return answer


def buy_and_use(plan: Plan, d: Dialogue, x: Expect) -> None:
    open_skill(plan, d, x)
    for product, words in plan.isp_products:
        name = plan.product_name(product)
        if not d.shopper.session_id:
            open_skill(plan, d, x)
        buy(plan, d, x, product, words)
        answer = d.purchase("accept")
        x.check(
            answer.speech and answer.session_open and not answer.isp_directive(),
            f"After buying the {name} the skill thanks the shopper and goes on",
            heard(answer),
        )
        opened = opened_texts(plan, product)
        if opened:
            x.check(
                says_one_of(answer, opened),
                f"What the {name} opens is delivered at once",
                heard(answer),
            )


def cancel_subscription(plan: Plan, d: Dialogue, x: Expect) -> None:
    found = plan.first_isp(ProductType.SUBSCRIPTION)
    assert found is not None  # the case runs for stores that sell one
    product, words = found
    name = plan.product_name(product)
    open_skill(plan, d, x)
    buy(plan, d, x, product, words)
    d.purchase("accept")
    answer = d.ask("cancel my subscription")
    directive = answer.isp_directive("Cancel")
    x.require(
        directive
        and (directive.get("payload") or {}).get("InSkillProduct", {}).get("productId")
        == product.amazon_product_id,
        f'"cancel my subscription" sends the {name} to Amazon to cancel (a Cancel directive)',
        heard(answer),
    )
    answer = d.purchase("accept")
    row = SandboxEntitlement.objects.filter(
        store=plan.store, user_id=d.user_id, product=product
    ).first()
    x.check(
        row is not None and not row.auto_renew,
        f"The {name} is cancelled at Amazon (it will not renew)",
        "the ISP sandbox still renews it",
    )
    x.check(
        answer.session_open and not answer.isp_directive(),
        "The skill then asks what the shopper wants to do next",
        heard(answer),
    )


def refund_in_skill_product(plan: Plan, d: Dialogue, x: Expect) -> None:
    found = plan.first_isp(ProductType.ENTITLEMENT, ProductType.CONSUMABLE)
    assert found is not None  # the case runs for stores that sell one
    product, words = found
    name = plan.product_name(product)
    open_skill(plan, d, x)
    buy(plan, d, x, product, words)
    d.purchase("accept")
    answer = d.ask("I want a refund")
    directive = answer.isp_directive("Cancel")
    x.require(
        directive
        and (directive.get("payload") or {}).get("InSkillProduct", {}).get("productId")
        == product.amazon_product_id,
        f'"I want a refund" sends the shopper to Amazon\'s customer service for the {name} '
        "(a Cancel directive)",
        heard(answer),
    )
    answer = d.purchase("accept")
    row = SandboxEntitlement.objects.filter(
        store=plan.store, user_id=d.user_id, product=product
    ).first()
    x.check(
        row is None or not state_of(product, row, timezone.now()).entitled,
        f"Amazon takes the {name} back (the ISP sandbox no longer counts it as bought)",
        "the ISP sandbox still counts it",
    )
    x.check(
        answer.session_open and not answer.isp_directive(),
        "The skill then asks what the shopper wants to do next",
        heard(answer),
    )


def payment_error(plan: Plan, d: Dialogue, x: Expect) -> None:
    product, words = plan.isp_products[0]
    name = plan.product_name(product)
    open_skill(plan, d, x)
    buy(plan, d, x, product, words)
    answer = d.purchase("error")
    voice = speech.for_locale(plan.locale)
    failure_words = ("payment", "zahlung", voice.PURCHASE_DID_NOT_GO_THROUGH)
    repeated = [words for words in failure_words if contains(answer.speech, words)]
    x.check(
        answer.speech and not repeated,
        "The skill does not repeat the payment failure (Amazon has told the shopper)",
        heard(answer),
    )
    x.check(
        answer.session_open and not answer.isp_directive(),
        f"The skill resumes with free or owned content, without offering the {name} again",
        heard(answer),
    )
