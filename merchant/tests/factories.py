import uuid
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from merchant.models import PaymentMode, Role, SkillId, StaffMembership, Store


class StoreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Store
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"store-{n}")
    name = factory.Sequence(lambda n: f"Store {n}")
    invocation_name = factory.Sequence(lambda n: f"store number {n}")
    default_locale = "en-US"
    enabled_locales = factory.LazyFunction(lambda: ["en-US", "en-GB", "de-DE"])
    currency = "USD"
    payment_mode = PaymentMode.CHARGE_NOW
    amazon_pay_seller_id = "A2TESTSELLER"
    country_of_establishment = "US"
    sandbox_mode = True
    sandbox_customer_email = "buyer@example.com"
    tax_rate = Decimal("0.0800")
    shipping_fee = Decimal("0.00")
    support_email = "help@example.com"
    support_phone = "+1 206 555 0199"
    refund_policy = "Unopened items can be returned within 30 days."
    cancellation_policy = "Orders can be cancelled until they ship."
    delivery_promise = "Ships in two days."

    skill = factory.RelatedFactory(
        "merchant.tests.factories.SkillIdFactory", factory_related_name="store"
    )


class SkillIdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SkillId

    store = factory.SubFactory(StoreFactory, skill=None)
    skill_id = factory.LazyFunction(lambda: f"amzn1.ask.skill.{uuid.uuid4()}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory)
    store = factory.SubFactory(StoreFactory)
    role = Role.OWNER
    can_refund = False
