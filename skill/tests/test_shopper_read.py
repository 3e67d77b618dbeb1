"""The hand-written reads of the hot path return exactly what the ORM versions did:
``selectors.shopper_for_turn`` (the shopper, their conversation and cart, and at launch
their latest kept order's lines) and ``selectors.product_for_voice``."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Product
from demo.seed import DEMO_SKILL_ID
from orders.models import Customer, Order, OrderLine, OrderStatus
from orders.tests.factories import CustomerFactory, OrderFactory, OrderLineFactory
from skill import selectors
from skill.models import Conversation
from skill.testing.envelopes import Shopper, product_slot

pytestmark = pytest.mark.usefixtures("postgres_only")


def fields(instance) -> dict | None:
    if instance is None:
        return None
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def same_as_orm(store, user_id, locale=""):
    orm = selectors.shopper(store=store, alexa_user_id=user_id)
    orm_lines = selectors.last_kept_order_lines(customer=orm, locale=locale)
    # Warm: the statement is prepared once per connection (see the test below).
    selectors.shopper_for_turn(store=store, alexa_user_id=user_id, with_last_order=True)
    with CaptureQueriesContext(connection) as ctx:
        read = selectors.shopper_for_turn(
            store=store, alexa_user_id=user_id, with_last_order=True, locale=locale
        )
    assert len(ctx.captured_queries) == (1 if not locale or not orm_lines else 2)
    assert fields(read.customer) == fields(orm)
    try:
        orm_conversation = orm.skill_conversation
    except Conversation.DoesNotExist:
        orm_conversation = None
        with pytest.raises(Conversation.DoesNotExist):
            read.customer.skill_conversation  # noqa: B018 (cached as missing, no query)
    else:
        assert fields(read.customer.skill_conversation) == fields(orm_conversation)
        assert fields(read.customer.skill_conversation.order) == fields(orm_conversation.order)
        assert read.customer.skill_conversation.customer is read.customer
    assert [fields(line) for line in read.last_kept_lines] == [fields(line) for line in orm_lines]
    assert [fields(line.product) for line in read.last_kept_lines] == [
        fields(line.product) for line in orm_lines
    ]
    if locale:
        assert [
            [fields(loc) for loc in line.product.localizations.all()]
            for line in read.last_kept_lines
            if line.product
        ] == [
            [fields(loc) for loc in line.product.localizations.all()]
            for line in orm_lines
            if line.product
        ]
    plain = selectors.shopper_for_turn(store=store, alexa_user_id=user_id)
    assert fields(plain.customer) == fields(orm) and plain.last_kept_lines == []
    return read


@pytest.mark.django_db
def test_the_shopper_read_equals_the_orm_for_every_kind_of_shopper(client, demo_store, settings):
    settings.ALEXA_VERIFY_REQUESTS = False
    refills = Product.objects.get(sku="NN-BLADES-8")
    cream = Product.objects.get(sku="NN-CREAM-6")
    assert selectors.shopper_for_turn(store=demo_store, alexa_user_id="nobody") is None

    # A customer without a conversation or an order.
    bare = CustomerFactory(store=demo_store, alexa_user_id="amzn1.ask.account.BARE")
    assert same_as_orm(demo_store, bare.alexa_user_id).last_kept_lines == []

    # A shopper with a conversation, a cart, and kept, cancelled and draft orders.
    shopper = Shopper(client, DEMO_SKILL_ID, user_id="amzn1.ask.account.READ")
    shopper.launch()
    customer = Customer.objects.get(alexa_user_id=shopper.user_id)
    older = OrderFactory(store=demo_store, customer=customer, status=OrderStatus.DELIVERED)
    OrderLineFactory(order=older, store=demo_store, product=cream, sku=cream.sku, quantity=1)
    latest = OrderFactory(store=demo_store, customer=customer, status=OrderStatus.SHIPPED)
    for product, quantity in [(refills, 2), (cream, 3)]:
        OrderLineFactory(
            order=latest, store=demo_store, product=product, sku=product.sku, quantity=quantity
        )
    OrderLineFactory(order=latest, store=demo_store, product=None, sku="GONE", name="Gone")
    OrderFactory(store=demo_store, customer=customer, status=OrderStatus.CANCELLED)
    shopper.say("OrderProductIntent", Product=product_slot(refills))
    shopper.yes()  # a cart, on the conversation
    assert Conversation.objects.get(customer=customer).order.status == OrderStatus.DRAFT
    read = same_as_orm(demo_store, shopper.user_id)
    assert [line.quantity for line in read.last_kept_lines] == [2, 3, 1]
    assert read.last_kept_lines[0].order_id == latest.pk
    same_as_orm(demo_store, shopper.user_id, locale="de-DE")

    # Another store's shopper with the same user id is another customer.
    elsewhere = CustomerFactory(alexa_user_id=shopper.user_id)
    assert elsewhere.store_id != demo_store.pk
    read = selectors.shopper_for_turn(
        store=elsewhere.store, alexa_user_id=shopper.user_id, with_last_order=True
    )
    assert read.customer.pk == elsewhere.pk and read.last_kept_lines == []
    assert Order.objects.filter(customer=customer).count() == 4
    assert OrderLine.objects.filter(order=latest).count() == 3


@pytest.mark.django_db
def test_the_product_read_equals_the_orm(demo_store):
    for product in Product.objects.filter(store=demo_store):
        for locale in ["", "de-DE"]:
            orm = (
                Product.objects.filter(store=demo_store, pk=product.pk)
                .prefetch_related(*selectors._localized(locale))
                .first()
            )
            read = selectors.product_for_voice(
                store=demo_store, product_id=str(product.pk), locale=locale
            )
            assert fields(read) == fields(orm)
            if locale:
                assert [fields(x) for x in read.localizations.all()] == [
                    fields(x) for x in orm.localizations.all()
                ]
    other = OrderFactory().store
    assert selectors.product_for_voice(store=other, product_id=product.pk, locale="") is None
    assert selectors.product_for_voice(store=demo_store, product_id="x1", locale="") is None


@pytest.mark.django_db(transaction=True)
def test_the_read_is_prepared_once_per_connection_and_can_be_turned_off(demo_store, settings):
    customer = CustomerFactory(store=demo_store)

    def statements():
        with CaptureQueriesContext(connection) as ctx:
            read = selectors.shopper_for_turn(
                store=demo_store, alexa_user_id=customer.alexa_user_id, with_last_order=True
            )
        assert read.customer.pk == customer.pk
        return [query["sql"].split(" ", 1)[0] for query in ctx.captured_queries]

    connection.close()  # a new connection has nothing prepared
    assert statements() == ["PREPARE", "EXECUTE"]
    assert statements() == ["EXECUTE"]
    connection.close()
    assert statements() == ["PREPARE", "EXECUTE"]
    settings.ALEXA_PREPARED_STATEMENTS = False  # behind PgBouncer in transaction mode
    assert statements() == ["SELECT"]
