"""After buying: re-order, where is my order, cancel my order, refunds, refill plans."""

from decimal import Decimal

import pytest
from ask_sdk_model.ui import SimpleCard  # noqa: F401  (documents the card type asserted below)

from catalog.models import Product
from catalog.tests.factories import ProductFactory
from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory
from orders.models import (
    Customer,
    Order,
    OrderStatus,
    PaymentStatus,
    RefillPlan,
    RefillPlanStatus,
    RefundRequest,
)
from orders.tests.factories import CustomerFactory, OrderFactory, OrderLineFactory
from skill.testing.envelopes import directive_of, product_slot, speech_of

from .alexa_api_stub import US_ADDRESS, Grant


def buy(shopper, product, quantity=None):
    slots = {"Product": product_slot(product)}
    if quantity:
        slots["Quantity"] = product_slot(None, words=str(quantity), name="Quantity")
    shopper.say("OrderProductIntent", **slots)
    answer = shopper.yes()
    if directive_of(answer):
        shopper.amazon_pay()
    shopper.yes()
    return shopper.amazon_pay()


def placed_order(store, user_id, product, **fields):
    customer = Customer.objects.filter(
        store=store, alexa_user_id=user_id
    ).first() or CustomerFactory(store=store, alexa_user_id=user_id)
    order = OrderFactory(store=store, customer=customer, **fields)
    OrderLineFactory(order=order, store=store, product=product, sku=product.sku, name=product.name)
    return order


# Re-order -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_reorder_with_an_open_agreement_goes_straight_to_summary_and_charge(shopper, demo_store):
    refills = Product.objects.get(sku="NN-BLADES-8")
    buy(shopper, refills, quantity=2)
    shopper.no()  # no refill plan
    Product.objects.filter(pk=refills.pk).update(price=Decimal("16.00"))  # today's price
    answer = shopper.say("ReorderIntent")
    assert directive_of(answer) is None
    assert speech_of(answer).startswith(
        "Here is your order from No Nicks: 2 blade refill packs. The total is 34 dollars and "
        "56 cents"
    )
    assert directive_of(shopper.yes())["name"] == "Charge"
    shopper.amazon_pay()
    assert Order.objects.filter(status=OrderStatus.PLACED).count() == 2
    assert Order.objects.order_by("-pk").first().subtotal == Decimal("32.00")


@pytest.mark.django_db
def test_reorder_from_the_launch_offer(shopper, demo_store):
    cream = Product.objects.get(sku="NN-CREAM-6")
    buy(shopper, cream)
    assert "Last time you ordered one menthol shaving cream." in speech_of(shopper.launch())
    summary = shopper.yes()
    assert speech_of(summary).startswith(
        "Here is your order from No Nicks: one menthol shaving cream."
    )


@pytest.mark.django_db
def test_reorder_says_what_is_unavailable(shopper, demo_store):
    refills = Product.objects.get(sku="NN-BLADES-8")
    cream = Product.objects.get(sku="NN-CREAM-6")
    order = placed_order(demo_store, shopper.user_id, refills, status=OrderStatus.DELIVERED)
    OrderLineFactory(order=order, store=demo_store, product=cream, sku=cream.sku, name=cream.name)
    Product.objects.filter(pk=cream.pk).update(stock=0)
    answer = shopper.say("ReorderIntent")
    # No agreement yet: Setup; the cart holds what can be sold.
    assert directive_of(answer)["name"] == "Setup"
    summary = shopper.amazon_pay()
    assert "one blade refill pack" in speech_of(summary)
    assert "shaving cream" not in speech_of(summary)

    Product.objects.filter(pk=refills.pk).update(active=False)
    Product.objects.filter(pk=cream.pk).update(stock=5)
    answer = shopper.say("ReorderIntent")
    assert speech_of(answer).startswith(
        "Sorry, the blade refill pack is not available now. "
        "Here is your order from No Nicks: one menthol shaving cream."
    )


@pytest.mark.django_db
def test_reorder_without_past_orders(shopper, demo_store):
    answer = shopper.say("ReorderIntent")
    assert speech_of(answer).startswith("You don't have any orders with us yet.")


# Order status ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields, expected",
    [
        (
            {"status": OrderStatus.PLACED},
            "Your order {n}, one menthol shaving cream, has been placed and will ship soon. "
            "Your order ships within two business days.",
        ),
        (
            {"status": OrderStatus.SHIPPED, "carrier": "UPS", "tracking_number": "1Z999"},
            "Your order {n}, one menthol shaving cream, has shipped with UPS. It's on its way.",
        ),
        (
            {"status": OrderStatus.DELIVERED},
            "Your order {n}, one menthol shaving cream, has been delivered.",
        ),
        (
            {"status": OrderStatus.CANCELLED},
            "Your order {n}, one menthol shaving cream, was cancelled.",
        ),
        (
            {
                "status": OrderStatus.DELIVERED,
                "payment_status": PaymentStatus.REFUNDED,
                "captured_amount": Decimal("10.80"),
                "refunded_amount": Decimal("10.80"),
            },
            "Your order {n}, one menthol shaving cream, was refunded. 10 dollars and 80 cents "
            "went back to you.",
        ),
        (
            {
                "status": OrderStatus.DELIVERED,
                "payment_status": PaymentStatus.PARTIALLY_REFUNDED,
                "captured_amount": Decimal("10.80"),
                "refunded_amount": Decimal("5.40"),
            },
            "Your order {n}, one menthol shaving cream, was partly refunded: 5 dollars and 40 "
            "cents went back to you.",
        ),
    ],
)
def test_where_is_my_order_reads_the_latest_order(shopper, demo_store, fields, expected):
    cream = Product.objects.get(sku="NN-CREAM-6")
    older = placed_order(demo_store, shopper.user_id, cream, status=OrderStatus.DELIVERED)
    order = placed_order(demo_store, shopper.user_id, cream, **fields)
    assert order.created_at >= older.created_at
    answer = shopper.say("OrderStatusIntent")
    assert (
        speech_of(answer)
        == f"{expected.format(n=order.number)} Is there anything else I can do for you?"
    )


@pytest.mark.django_db
def test_where_is_my_order_ignores_other_shoppers_and_stores(shopper, demo_store):
    cream = Product.objects.get(sku="NN-CREAM-6")
    placed_order(demo_store, "amzn1.ask.account.SOMEONE_ELSE", cream)
    other_store = StoreFactory()
    OrderFactory(
        store=other_store,
        customer=CustomerFactory(store=other_store, alexa_user_id=shopper.user_id),
    )
    assert speech_of(shopper.say("OrderStatusIntent")).startswith(
        "You don't have any orders with us yet."
    )


# Cancel my order ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_cancel_my_order_confirms_which_and_refunds_the_capture(shopper, demo_store):
    kit = Product.objects.get(sku="NN-KIT")
    buy(shopper, kit)
    order = Order.objects.get()
    answer = shopper.say("CancelOrderIntent")
    assert speech_of(answer) == (
        f"Your latest order is order {order.number}: one starter kit, for 9 dollars and 72 "
        "cents. Do you want me to cancel it?"
    )
    assert answer["response"]["shouldEndSession"] is False
    answer = shopper.yes()
    assert speech_of(answer) == (
        f"Order {order.number} is cancelled. The 9 dollars and 72 cents you paid goes back to "
        "your Amazon Pay payment method within a few days."
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    kit.refresh_from_db()
    assert kit.stock == 500  # restocked


@pytest.mark.django_db
def test_cancel_an_authorized_charge_later_order_releases_it(make_shopper):
    store = StoreFactory(payment_mode=PaymentMode.CHARGE_LATER)
    product = ProductFactory(store=store)
    shopper = make_shopper(store)
    buy(shopper, product)
    shopper.say("CancelOrderIntent")
    order = Order.objects.get()
    assert speech_of(shopper.yes()) == (
        f"Order {order.number} is cancelled. Your payment was not taken, so you won't be charged."
    )


@pytest.mark.django_db
def test_no_keeps_the_order(shopper, demo_store):
    buy(shopper, Product.objects.get(sku="NN-KIT"))
    shopper.say("CancelOrderIntent")
    assert speech_of(shopper.no()).startswith("OK, I won't cancel it.")
    assert Order.objects.get().status == OrderStatus.PLACED


@pytest.mark.django_db
def test_a_shipped_order_cannot_be_cancelled_the_shopper_hears_how_to_return_it(
    shopper, demo_store
):
    cream = Product.objects.get(sku="NN-CREAM-6")
    order = placed_order(
        demo_store, shopper.user_id, cream, status=OrderStatus.SHIPPED, carrier="UPS"
    )
    answer = shopper.say("CancelOrderIntent")
    assert speech_of(answer) == (
        f"Order {order.number} has already shipped, so I can't cancel it. You can return it "
        "instead. Orders can be cancelled until they ship. To start a return, call +1 206 555 "
        "0100 or email help@nonicks.example.com. Once the store has your return, your money "
        "goes back to your payment method. Is there anything else I can do for you?"
    )
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED


@pytest.mark.django_db
def test_an_order_that_ships_before_yes_gets_return_guidance(shopper, demo_store):
    from orders.services import order_ship

    buy(shopper, Product.objects.get(sku="NN-KIT"))
    shopper.say("CancelOrderIntent")
    order_ship(order=Order.objects.get(), carrier="UPS")
    answer = shopper.yes()
    assert "has already shipped, so I can't cancel it" in speech_of(answer)
    assert Order.objects.get().status == OrderStatus.SHIPPED


@pytest.mark.django_db
def test_pay_on_delivery_cancel_says_nothing_was_paid(make_shopper, alexa_api):
    store = StoreFactory(payment_mode=PaymentMode.PAY_ON_DELIVERY, amazon_pay_seller_id="")
    product = ProductFactory(store=store)
    alexa_api.grants["granted"] = Grant(address=US_ADDRESS, email=None)
    shopper = make_shopper(store, consent=None, api_endpoint=alexa_api.url, api_token="granted")
    shopper.say("OrderProductIntent", Product=product_slot(product))
    shopper.yes()
    shopper.yes()
    shopper.say("CancelOrderIntent")
    order = Order.objects.get()
    assert speech_of(shopper.yes()) == (
        f"Order {order.number} is cancelled. "
        "You haven't paid anything, so there's nothing to refund."
    )


@pytest.mark.django_db
def test_cancel_with_no_orders(shopper, demo_store):
    assert speech_of(shopper.say("CancelOrderIntent")).startswith(
        "You don't have an order that can be cancelled."
    )


# Refunds --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_refund_guidance_card_and_request(shopper, demo_store):
    cream = Product.objects.get(sku="NN-CREAM-6")
    order = placed_order(demo_store, shopper.user_id, cream, status=OrderStatus.DELIVERED)
    answer = shopper.say("RefundIntent")
    assert speech_of(answer) == (
        "Unopened items can be returned within 30 days for a full refund. To get a refund, call "
        "+1 206 555 0100 or email help@nonicks.example.com. I've told the support team about "
        "your request and sent the details to the Alexa app. Refunds go back to the payment "
        "method you used."
    )
    card = answer["response"]["card"]
    assert card["type"] == "Simple"
    assert card["title"] == "How to get a refund"
    assert "Phone: +1 206 555 0100" in card["content"]
    assert "Email: help@nonicks.example.com" in card["content"]
    assert "Unopened items can be returned within 30 days" in card["content"]
    request = RefundRequest.objects.get()
    assert (request.store, request.order, request.channel) == (demo_store, order, "voice")


# Refill plans ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_buying_refills_offers_a_refill_plan(shopper, demo_store):
    refills = Product.objects.get(sku="NN-BLADES-8")
    done = buy(shopper, refills)
    assert speech_of(done) == (
        "16 dollars and 20 cents will be paid using Amazon Pay. More information in the Alexa "
        "app. Your order has been placed. Would you like a refill plan? I'd send a blade refill "
        "pack every 8 weeks, and you can cancel any time."
    )
    answer = shopper.yes()
    assert speech_of(answer) == (
        "Done. A blade refill pack will come every 8 weeks. To stop, say cancel my refills."
    )
    plan = RefillPlan.objects.get()
    assert (plan.product, plan.interval_weeks, plan.status) == (refills, 8, RefillPlanStatus.ACTIVE)
    # Bought again: no second offer while the plan runs.
    assert "refill plan" not in speech_of(buy(shopper, refills))


@pytest.mark.django_db
def test_cancel_my_refills(shopper, demo_store):
    refills = Product.objects.get(sku="NN-BLADES-8")
    buy(shopper, refills)
    shopper.yes()
    answer = shopper.say("CancelRefillPlanIntent")
    assert speech_of(answer) == (
        "You get blade refill pack on a refill plan. Do you want me to cancel it?"
    )
    assert speech_of(shopper.yes()) == (
        "Your refill plan is cancelled. Nothing more will be sent or charged."
    )
    assert RefillPlan.objects.get().status == RefillPlanStatus.CANCELLED
    assert speech_of(shopper.say("CancelRefillPlanIntent")).startswith(
        "You don't have a refill plan."
    )


@pytest.mark.django_db
def test_no_refill_plan_offer_for_products_without_an_interval(shopper, demo_store):
    done = buy(shopper, Product.objects.get(sku="NN-KIT"))
    assert "refill plan" not in speech_of(done)
    assert done["response"]["shouldEndSession"] is True
