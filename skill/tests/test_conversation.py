"""The No Nicks conversation before paying: launch, browsing, products by name or synonym,
clarification, quantities, what is not sold, no upsell of what the shopper owns, help,
fallback, stop, home, and SSML-safe catalog text."""

from decimal import Decimal

import pytest

from catalog.models import Category, Product
from catalog.tests.factories import CategoryFactory, ProductFactory
from merchant.tests.factories import StoreFactory
from orders.models import Customer, Order, OrderLine, OrderStatus
from orders.tests.factories import CustomerFactory, OrderFactory, OrderLineFactory
from skill.models import Conversation, Step
from skill.speech.pitch import product_pitch
from skill.testing.envelopes import directive_of, product_slot, speech_of


def past_order(store, user_id, product, quantity=1, status=OrderStatus.DELIVERED):
    customer = Customer.objects.filter(
        store=store, alexa_user_id=user_id
    ).first() or CustomerFactory(store=store, alexa_user_id=user_id)
    order = OrderFactory(store=store, customer=customer, status=status)
    OrderLineFactory(
        order=order,
        store=store,
        product=product,
        sku=product.sku,
        name=product.name,
        quantity=quantity,
    )
    return order


@pytest.mark.django_db
def test_launch_welcomes_and_offers_at_most_three_choices_from_categories(shopper, demo_store):
    CategoryFactory(store=demo_store, name="Aftershave", spoken_name="aftershave", position=9)
    ProductFactory(store=demo_store, category=Category.objects.get(name="Aftershave"))
    answer = shopper.launch()
    assert speech_of(answer) == (
        "Welcome to No Nicks. You can order a starter kit, refills or shaving cream. "
        "What would you like?"
    )
    assert answer["response"]["shouldEndSession"] is False
    assert answer["response"]["reprompt"]


@pytest.mark.django_db
def test_launch_wording_varies_between_visits(shopper, demo_store):
    first = speech_of(shopper.launch())
    second = speech_of(shopper.launch())
    third = speech_of(shopper.launch())
    assert len({first, second, third}) == 3
    assert second.startswith("Hi, this is No Nicks.")


@pytest.mark.django_db
def test_categories_with_nothing_to_sell_are_not_offered(shopper, demo_store):
    Product.objects.filter(sku="NN-CREAM-6").update(stock=0)
    Product.objects.filter(sku="NN-BLADES-8").update(active=False)
    assert speech_of(shopper.launch()) == (
        "Welcome to No Nicks. You can order a starter kit. What would you like?"
    )


@pytest.mark.django_db
def test_an_interrupted_cart_is_offered_to_continue(shopper, demo_store):
    kit = Product.objects.get(sku="NN-KIT")
    shopper.say("OrderProductIntent", Product=product_slot(kit))
    shopper.yes()  # Setup sent; the shopper walks away
    answer = shopper.launch()
    assert speech_of(answer) == (
        "Welcome to No Nicks. You have an unfinished order: one starter kit. Would you like "
        "to continue it? Say no to start a new order."
    )
    summary = shopper.yes()
    assert directive_of(summary)["name"] == "Setup"  # no agreement yet: Setup again


@pytest.mark.django_db
def test_an_interrupted_cart_can_be_dropped_for_a_new_start(shopper, demo_store):
    shopper.say("OrderProductIntent", Product=product_slot(Product.objects.get(sku="NN-KIT")))
    shopper.yes()
    shopper.launch()
    answer = shopper.no()
    assert speech_of(answer).startswith("OK, let's start a new order.")
    assert Order.objects.get().status == OrderStatus.ABANDONED
    assert "unfinished" not in speech_of(shopper.launch())


@pytest.mark.django_db
def test_a_returning_customer_is_offered_a_reorder(shopper, demo_store):
    refills = Product.objects.get(sku="NN-BLADES-8")
    past_order(demo_store, shopper.user_id, refills, quantity=2)
    answer = shopper.launch()
    assert speech_of(answer) == (
        "Welcome to No Nicks. Last time you ordered 2 blade refill packs. Would you like to "
        "order that again?"
    )
    assert Conversation.objects.get().step == Step.OFFER_REORDER


@pytest.mark.django_db
def test_a_starter_kit_owner_hears_refills_not_kits(shopper, demo_store):
    kit = Product.objects.get(sku="NN-KIT")
    past_order(demo_store, shopper.user_id, kit)
    assert speech_of(shopper.launch()) == (
        "Welcome to No Nicks. You can order refills or shaving cream. What would you like?"
    )
    answer = shopper.say("OrderProductIntent", Product=product_slot(kit))
    assert speech_of(answer) == (
        "You already have the starter kit. Would you like blade refill pack for it instead?"
    )
    assert Conversation.objects.get().product.sku == "NN-BLADES-8"
    answer = shopper.say("AMAZON.HelpIntent")
    assert "Say yes to order it" in speech_of(answer)
    # Browsing kits suggests none.
    answer = shopper.say(
        "BrowseCatalogIntent", Category=product_slot(None, words="starter kits", name="Category")
    )
    assert speech_of(answer) == (
        "Sorry, I have nothing to offer you from Starter kits right now. What would you like to do?"
    )


@pytest.mark.django_db
def test_reorder_leaves_out_owned_one_off_products(shopper, demo_store):
    kit = Product.objects.get(sku="NN-KIT")
    cream = Product.objects.get(sku="NN-CREAM-6")
    order = past_order(demo_store, shopper.user_id, kit)
    OrderLineFactory(order=order, store=demo_store, product=cream, sku=cream.sku, name=cream.name)
    answer = shopper.launch()
    assert "Last time you ordered one menthol shaving cream." in speech_of(answer)


@pytest.mark.django_db
def test_a_product_named_by_synonym_is_pitched_in_one_breath(shopper, demo_store):
    kit = Product.objects.get(sku="NN-KIT")
    answer = shopper.say("OrderProductIntent", Product=product_slot(kit, words="razor"))
    pitch = product_pitch(kit, "en-US")
    assert speech_of(answer) == f"{pitch.text}"
    assert speech_of(answer) == (
        "The starter kit: a weighted razor handle, three blades and menthol shaving cream, "
        "for 9 dollars. Do you want to order it?"
    )
    assert answer["response"]["reprompt"]["outputSpeech"]["ssml"] == (
        "<speak>Do you want to order it?</speak>"
    )


@pytest.mark.django_db
def test_words_without_entity_resolution_are_matched_against_synonyms(shopper, demo_store):
    answer = shopper.say("ProductInfoIntent", Product=product_slot(None, words="Razor Blades"))
    assert speech_of(answer).startswith("The blade refill pack: eight sharp")


@pytest.mark.django_db
def test_no_match_gets_a_gentle_clarification_naming_the_products(shopper, demo_store):
    answer = shopper.say("OrderProductIntent", Product=product_slot(words="unicorn", no_match=True))
    assert speech_of(answer) == (
        "Sorry, I didn't catch which product you mean. We have starter kit, blade refill pack "
        "or menthol shaving cream. Which one would you like?"
    )
    assert answer["response"]["shouldEndSession"] is False


@pytest.mark.django_db
def test_a_missing_product_slot_gets_the_same_clarification(shopper, demo_store):
    answer = shopper.say("OrderProductIntent")
    assert speech_of(answer).startswith("Sorry, I didn't catch which product you mean.")


@pytest.mark.django_db
def test_quantities_are_priced_and_ordered(shopper, demo_store):
    refills = Product.objects.get(sku="NN-BLADES-8")
    answer = shopper.say(
        "OrderProductIntent",
        Product=product_slot(refills, words="packs of refills"),
        Quantity=product_slot(None, words="2", name="Quantity"),
    )
    assert speech_of(answer).endswith("2 of them cost 30 dollars. Do you want to order them?")
    shopper.yes()
    line = OrderLine.objects.get()
    assert (line.product, line.quantity) == (refills, 2)


@pytest.mark.django_db
def test_silly_quantities_are_refused(shopper, demo_store):
    refills = Product.objects.get(sku="NN-BLADES-8")
    answer = shopper.say(
        "OrderProductIntent",
        Product=product_slot(refills),
        Quantity=product_slot(None, words="500", name="Quantity"),
    )
    assert speech_of(answer) == "I can order up to 10 at a time. How many would you like?"


@pytest.mark.django_db
@pytest.mark.parametrize("change", [{"active": False}, {"stock": 0}, {"stock": 1}])
def test_inactive_and_out_of_stock_products_are_not_sold(shopper, demo_store, change):
    cream = Product.objects.get(sku="NN-CREAM-6")
    Product.objects.filter(pk=cream.pk).update(**change)
    answer = shopper.say(
        "OrderProductIntent",
        Product=product_slot(cream),
        Quantity=product_slot(None, words="2", name="Quantity"),
    )
    text = speech_of(answer)
    assert text.startswith("Sorry, the menthol shaving cream is not available right now.")
    assert "We do have" in text
    assert Conversation.objects.get().step == Step.IDLE
    assert shopper.yes() and Order.objects.count() == 0


@pytest.mark.django_db
def test_a_product_sold_out_between_pitch_and_yes_is_not_ordered(shopper, demo_store):
    cream = Product.objects.get(sku="NN-CREAM-6")
    shopper.say("OrderProductIntent", Product=product_slot(cream))
    Product.objects.filter(pk=cream.pk).update(stock=0)
    answer = shopper.yes()
    assert "not available" in speech_of(answer)
    assert OrderLine.objects.count() == 0


@pytest.mark.django_db
def test_browse_a_category_by_id_or_words(shopper, demo_store):
    refills = Category.objects.get(name="Refills")
    slot = product_slot(None, name="Category")
    slot_match = product_slot(refills, name="Category")  # resolved id is the category's id
    answer = shopper.say("BrowseCatalogIntent", Category=slot_match)
    assert speech_of(answer).startswith("The blade refill pack: ")  # one product: its pitch
    ProductFactory(
        store=demo_store, category=refills, name="Travel refills", spoken_name="travel refill pack"
    )
    answer = shopper.say(
        "BrowseCatalogIntent", Category=product_slot(None, words="refills", name="Category")
    )
    assert speech_of(answer) == (
        "For refills, we have blade refill pack or travel refill pack. Which would you like?"
    )
    answer = shopper.say("BrowseCatalogIntent", Category=slot)
    assert "starter kit, refills or shaving cream" in speech_of(answer)


@pytest.mark.django_db
def test_no_to_a_pitch_offers_the_choices_again(shopper, demo_store):
    shopper.say("OrderProductIntent", Product=product_slot(Product.objects.get(sku="NN-KIT")))
    answer = shopper.no()
    assert "starter kit, refills or shaving cream" in speech_of(answer)
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_help_depends_on_the_step(shopper, demo_store):
    answer = shopper.say("AMAZON.HelpIntent")
    assert speech_of(answer).startswith("You can order a product by name, ask what we have")
    shopper.say("OrderProductIntent", Product=product_slot(Product.objects.get(sku="NN-KIT")))
    assert speech_of(shopper.say("AMAZON.HelpIntent")) == (
        "Say yes to order it, or no to hear something else."
    )
    shopper.yes()
    shopper.amazon_pay()
    assert speech_of(shopper.say("AMAZON.HelpIntent")) == (
        "Say yes to complete your order now, or no to keep it for later."
    )


@pytest.mark.django_db
def test_fallback_reprompts_gently_for_the_step(shopper, demo_store):
    answer = shopper.say("AMAZON.FallbackIntent")
    assert speech_of(answer).startswith("Sorry, I didn't get that. Would you like a starter kit")
    shopper.say("OrderProductIntent", Product=product_slot(Product.objects.get(sku="NN-KIT")))
    answer = shopper.say("AMAZON.FallbackIntent")
    assert speech_of(answer) == "Sorry, I didn't get that. Do you want to order it?"
    assert answer["response"]["shouldEndSession"] is False


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["AMAZON.StopIntent", "AMAZON.CancelIntent"])
def test_stop_and_cancel_end_politely_and_keep_the_cart(shopper, demo_store, name):
    shopper.say("OrderProductIntent", Product=product_slot(Product.objects.get(sku="NN-KIT")))
    shopper.yes()
    answer = shopper.say(name)
    assert speech_of(answer) == "Goodbye, and thanks for shopping with us."
    assert answer["response"]["shouldEndSession"] is True
    assert Order.objects.get().status == OrderStatus.DRAFT


@pytest.mark.django_db
def test_navigate_home_returns_to_the_start(shopper, demo_store):
    shopper.say("OrderProductIntent", Product=product_slot(Product.objects.get(sku="NN-KIT")))
    answer = shopper.say("AMAZON.NavigateHomeIntent")
    assert speech_of(answer).startswith("OK, back to the start. Would you like a starter kit")
    assert Conversation.objects.get().step == Step.IDLE
    # "yes" now answers no question: it does not order the kit.
    shopper.yes()
    assert Order.objects.count() == 0


@pytest.mark.django_db
def test_start_over_drops_the_cart(shopper, demo_store):
    shopper.say("OrderProductIntent", Product=product_slot(Product.objects.get(sku="NN-KIT")))
    shopper.yes()
    answer = shopper.say("StartOverIntent")
    assert speech_of(answer).startswith("OK, let's start a new order.")
    assert Order.objects.get().status == OrderStatus.ABANDONED


@pytest.mark.django_db
def test_catalog_text_is_ssml_escaped(make_shopper):
    store = StoreFactory(name="Salt & Pepper <Shop>")
    product = ProductFactory(
        store=store,
        spoken_name="salt & pepper set",
        spoken_description="two mills <large> & a tray",
        price=Decimal("5.00"),
    )
    shopper = make_shopper(store)
    launch = shopper.launch()
    assert "Salt &amp; Pepper &lt;Shop&gt;" in launch["response"]["outputSpeech"]["ssml"]
    answer = shopper.say("OrderProductIntent", Product=product_slot(product))
    ssml = answer["response"]["outputSpeech"]["ssml"]
    assert "salt &amp; pepper set: two mills &lt;large&gt; &amp; a tray" in ssml
    assert "<large>" not in ssml
