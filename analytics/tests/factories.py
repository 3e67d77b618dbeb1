"""Factories for the analytics tests: the raw events metrics are computed from, each at a
given instant (``at``: their ``auto_now_add`` time is moved there after the insert)."""

import uuid
from datetime import UTC, datetime
from decimal import Decimal

import factory

from isp.facts import DirectiveName, PurchaseResult
from isp.models import IspEntitlement, IspPurchaseResult
from merchant.tests.factories import StoreFactory
from orders.models import PaymentKind, PaymentState, PaymentTransaction
from orders.tests.factories import CustomerFactory
from skill.models import Interaction


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


class _At(factory.django.DjangoModelFactory):
    """``at=`` sets the row's ``created_at`` (and ``updated_at`` where there is one)."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, at=None, **kwargs):
        obj = super()._create(model_class, *args, **kwargs)
        if at is not None:
            stamps = {"created_at": at}
            if any(f.name == "updated_at" for f in model_class._meta.fields):
                stamps["updated_at"] = at
            model_class.objects.filter(pk=obj.pk).update(**stamps)
            for name, value in stamps.items():
                setattr(obj, name, value)
        return obj


class InteractionFactory(_At):
    class Meta:
        model = Interaction

    store = factory.SubFactory(StoreFactory)
    customer = factory.SubFactory(CustomerFactory, store=factory.SelfAttribute("..store"))
    request_type = "IntentRequest"
    intent = "OrderProductIntent"
    session_id = factory.LazyFunction(lambda: f"amzn1.echo-api.session.{uuid.uuid4()}")
    locale = "en-US"
    source = "voice"
    outcome = "answered"


def launch(**kwargs):
    return InteractionFactory(request_type="LaunchRequest", intent="", **kwargs)


def session_ended(reason: str, **kwargs):
    return InteractionFactory(
        request_type="SessionEndedRequest",
        intent="",
        outcome=f"session_ended_{reason.lower()}",
        **kwargs,
    )


class PurchaseResultFactory(_At):
    class Meta:
        model = IspPurchaseResult

    store = factory.LazyAttribute(lambda o: o.product.store)
    customer = factory.SubFactory(CustomerFactory, store=factory.SelfAttribute("..store"))
    name = DirectiveName.BUY
    result = PurchaseResult.ACCEPTED
    marketplace = "amazon.com"
    currency = "USD"
    list_price = Decimal("2.99")


class EntitlementFactory(_At):
    class Meta:
        model = IspEntitlement

    store = factory.LazyAttribute(lambda o: o.product.store)
    customer = factory.SubFactory(CustomerFactory, store=factory.SelfAttribute("..store"))
    entitled = True
    entitlement_reason = "PURCHASED"
    active_entitlement_count = 1
    purchase_mode = "LIVE"


class RefundFactory(_At):
    """A refund's ledger row; ``at`` is when it completed (its ``updated_at``)."""

    class Meta:
        model = PaymentTransaction

    store = factory.LazyAttribute(lambda o: o.order.store)
    kind = PaymentKind.REFUND
    state = PaymentState.SUCCEEDED
    reference_id = factory.Sequence(lambda n: f"analytics-refund-{n}")
    amount = Decimal("3.00")
    currency = "USD"
