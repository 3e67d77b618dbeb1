"""Queries per turn are pinned: at most 8 for a launch and for an order-intent turn, and the
same number whatever the size of the catalog or of the shopper's order history. On
PostgreSQL exactly: a launch is one read (the shopper, their conversation and cart, their
latest kept order's lines) and one write (the step and the log, one round trip); an order
turn adds the read of the product."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Category, Product
from demo.seed import DEMO_SKILL_ID
from orders.models import Customer, Order, OrderLine, OrderStatus
from skill.testing.envelopes import Shopper, product_slot, speech_of

BUDGET = 8
LAUNCH_QUERIES = 2  # PostgreSQL; 5 before the one-round-trip read and write
ORDER_QUERIES = 3  # PostgreSQL; 5 before


def grow_catalog(store, total: int):
    category = Category.objects.get(store=store, name="Shaving cream")
    have = Product.objects.filter(store=store).count()
    Product.objects.bulk_create(
        [
            Product(
                store=store,
                category=category,
                name=f"Bulk product {n}",
                sku=f"BULK-{have + n}",
                price=Decimal("3.00"),
                currency="USD",
                stock=5,
            )
            for n in range(total - have)
        ],
        batch_size=2000,
    )


def grow_history(store, customer, count: int):
    cream = Product.objects.get(store=store, sku="NN-CREAM-6")
    orders = Order.objects.bulk_create(
        [
            Order(
                store=store,
                customer=customer,
                number=f"H{n}",
                status=OrderStatus.DELIVERED,
                payment_mode=store.payment_mode,
                currency="USD",
                subtotal=Decimal("7.00"),
                total=Decimal("7.56"),
            )
            for n in range(count)
        ],
        batch_size=500,
    )
    OrderLine.objects.bulk_create(
        [
            OrderLine(
                store=store,
                order=order,
                product=cream,
                sku=cream.sku,
                name=cream.name,
                unit_price=Decimal("7.00"),
                quantity=1,
                line_total=Decimal("7.00"),
            )
            for order in orders
        ],
        batch_size=500,
    )


def queries(callable_) -> tuple[int, dict]:
    with CaptureQueriesContext(connection) as ctx:
        answer = callable_()
    return len(ctx.captured_queries), answer


def measure(client, store, *, products: int, past_orders: int):
    shopper = Shopper(
        client, DEMO_SKILL_ID, user_id=f"amzn1.ask.account.BUDGET{products}{past_orders}"
    )
    shopper.launch()  # the customer and their conversation exist from now on
    # A turn that is not a launch prepares its statement once per connection: here, not
    # inside the measured turns (alone, this test would count the PREPARE of the first).
    shopper.say("AMAZON.HelpIntent")
    customer = Customer.objects.get(alexa_user_id=shopper.user_id)
    grow_catalog(store, products)
    grow_history(store, customer, past_orders)
    launch_count, launch = queries(shopper.launch)
    refills = Product.objects.get(sku="NN-BLADES-8")
    order_count, pitch = queries(
        lambda: shopper.say(
            "OrderProductIntent",
            Product=product_slot(refills),
            Quantity=product_slot(None, words="2", name="Quantity"),
        )
    )
    assert speech_of(pitch).endswith("Do you want to order them?")
    return launch_count, order_count, speech_of(launch)


@pytest.mark.django_db
def test_a_launch_and_an_order_turn_stay_within_budget_for_small_and_large_stores(
    client, demo_store, unverified
):
    small = measure(client, demo_store, products=10, past_orders=0)
    large = measure(client, demo_store, products=10_000, past_orders=1_000)
    assert "a starter kit, refills or shaving cream" in small[2]
    assert "Last time you ordered one menthol shaving cream." in large[2]
    assert small[0] <= BUDGET and small[1] <= BUDGET, small
    assert (small[0], small[1]) == (large[0], large[1])
    if connection.vendor == "postgresql":
        assert (small[0], small[1]) == (LAUNCH_QUERIES, ORDER_QUERIES)


@pytest.mark.django_db
def test_the_pinned_counts_hold_with_django_assert_num_queries(
    client, demo_store, unverified, postgres_only, django_assert_num_queries
):
    shopper = Shopper(client, DEMO_SKILL_ID, user_id="amzn1.ask.account.PINNED")
    shopper.launch()
    refills = Product.objects.get(sku="NN-BLADES-8")
    with django_assert_num_queries(LAUNCH_QUERIES):
        shopper.launch()
    with django_assert_num_queries(ORDER_QUERIES):
        shopper.say("OrderProductIntent", Product=product_slot(refills))


@pytest.mark.django_db
def test_the_budget_holds_in_german_too(client, demo_store, unverified):
    shopper = Shopper(client, DEMO_SKILL_ID, locale="de-DE")
    shopper.launch()
    count, answer = queries(shopper.launch)
    assert count <= BUDGET
    refills = Product.objects.get(sku="NN-BLADES-8")
    count, answer = queries(
        lambda: shopper.say("OrderProductIntent", Product=product_slot(refills))
    )
    assert count <= BUDGET
    assert speech_of(answer).startswith("Nachfüllklingen: acht scharfe Klingen")
