"""The rows a benchmark starts from, made through the apps' models and services (the test
factories belong to the tests, which the benchmarks do not import). Import it after
``django.setup()``."""

import uuid
from decimal import Decimal

from django.contrib.auth import get_user_model

from catalog.models import Category, Product
from isp.facts import ProductType, SubscriptionPeriod
from isp.models import InSkillProduct
from merchant.models import PaymentMode, SkillId, StaffMembership, Store
from orders import services as orders
from orders.gateways import get_gateway
from orders.models import Customer, Order


def store(slug: str, name: str = "", **fields) -> Store:
    """A US store in the sandbox, charging at checkout (8 % tax, free shipping), with its
    Alexa skill id; ``fields`` override any of it."""
    values = {
        "name": name or slug,
        "invocation_name": slug.replace("-", " "),
        "default_locale": "en-US",
        "enabled_locales": ["en-US", "en-GB", "de-DE"],
        "currency": "USD",
        "payment_mode": PaymentMode.CHARGE_NOW,
        "amazon_pay_seller_id": "A2BENCHSELLER",
        "country_of_establishment": "US",
        "sandbox_mode": True,
        "sandbox_customer_email": "buyer@example.com",
        "tax_rate": Decimal("0.0800"),
        "shipping_fee": Decimal("0.00"),
        "support_email": "help@example.com",
        "support_phone": "+1 206 555 0199",
        "refund_policy": "Unopened items can be returned within 30 days.",
        "cancellation_policy": "Orders can be cancelled until they ship.",
        "delivery_promise": "Ships in two days.",
        **fields,
    }
    made = Store.objects.create(slug=slug, **values)
    SkillId.objects.create(store=made, skill_id=f"amzn1.ask.skill.{uuid.uuid4()}")
    return made


def staff(store: Store, username: str, role: str):
    """A staff login with ``role`` in ``store``."""
    user = get_user_model().objects.create_user(
        username=username, email=f"{username}@example.com", password=None, is_staff=True
    )
    StaffMembership.objects.create(user=user, store=store, role=role)
    return user


def isp_product(store: Store, reference_name: str, kind: str = ProductType.ENTITLEMENT):
    """An in-skill product sold in the US (a monthly one for a subscription)."""
    period = SubscriptionPeriod.MONTHLY if kind == ProductType.SUBSCRIPTION else ""
    return InSkillProduct.objects.create(
        store=store,
        type=kind,
        reference_name=reference_name,
        subscription_period=period,
        small_icon_url="https://example.com/108.png",
        large_icon_url="https://example.com/512.png",
        distribution_countries=["US"],
        testing_instructions="Say buy it.",
    )


def product(store: Store, *, name: str, sku: str, price: str = "9.00", stock: int | None = None):
    """A product of ``store`` said as its name, in a category of its own (stock None:
    unlimited)."""
    category = Category.objects.create(store=store, name=f"{name} range", spoken_name=name)
    return Product.objects.create(
        store=store,
        category=category,
        name=name,
        sku=sku,
        spoken_description=f"a {name}",
        price=Decimal(price),
        currency=store.currency,
        stock=stock,
    )


def place_orders(store: Store, count: int) -> list[Order]:
    """``count`` orders of two $10 razors by as many shoppers with a billing agreement,
    placed through the orders services and paid the way the store's payment mode pays
    (authorized on the payment gateway, as the skill's checkout does)."""
    category = Category.objects.create(store=store, name="Razors", spoken_name="razors")
    product = Product.objects.create(
        store=store,
        category=category,
        name="Bench razor",
        sku="BENCH-RAZOR",
        spoken_description="a sturdy razor",
        price=Decimal("10.00"),
        currency=store.currency,
        stock=2 * count,
    )
    placed = []
    for n in range(count):
        customer = Customer.objects.create(
            store=store,
            alexa_user_id=f"amzn1.ask.account.BENCH{n:06d}",
            locale="en-US",
            name=f"Shopper {n}",
            email=f"shopper{n}@example.com",
            billing_agreement_id=f"C01-{uuid.uuid4().hex[:12]}",
            billing_agreement_status="OPEN",
            shipping_address={"name": f"Shopper {n}", "addressLine1": "1 Main St"},
        )
        cart = orders.cart_start(customer=customer, locale="en-US")
        cart = orders.cart_set_items(
            order=cart, items=[orders.CartItem(product=product, quantity=2)]
        ).order
        placed.append(orders.order_place(order=cart, payment=_authorize(cart)).order)
    return placed


def _authorize(cart: Order) -> orders.PaymentResult | None:
    if cart.payment_mode == PaymentMode.PAY_ON_DELIVERY:
        return None
    capture_now = cart.payment_mode == PaymentMode.CHARGE_NOW
    reference = f"auth-{cart.pk}-{uuid.uuid4().hex[:8]}"
    result = get_gateway().authorize(
        billing_agreement_id=cart.customer.billing_agreement_id,
        reference_id=reference,
        amount=cart.total,
        currency=cart.currency,
        capture_now=capture_now,
    )
    return orders.PaymentResult(
        reference_id=reference,
        external_id=result.amazon_id,
        amount=result.amount,
        captured=capture_now,
        capture_external_id=result.capture_id,
        expires_at=result.expires_at,
    )
