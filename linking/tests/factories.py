import factory
from django.contrib.auth import get_user_model

from linking.models import StoreAlexaClient
from linking.services import alexa_client_rotate
from merchant.models import Store
from merchant.tests.factories import StoreFactory
from orders.tests.factories import CustomerFactory
from shoppers.models import ShopperAccount

PASSWORD = "shopper-pass-123"


class ShopperUserFactory(factory.django.DjangoModelFactory):
    """A shopper's login: never staff, a user name no one types."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"shopper-user-{n}")
    is_staff = False
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ShopperAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShopperAccount

    store = factory.SubFactory(StoreFactory)
    user = factory.SubFactory(ShopperUserFactory)
    customer = factory.SubFactory(
        CustomerFactory,
        store=factory.SelfAttribute("..store"),
        alexa_user_id=factory.Sequence(lambda n: f"web:linking-{n}"),
    )
    email = factory.Sequence(lambda n: f"shopper{n}@example.com")
    name = factory.Sequence(lambda n: f"Shopper {n}")


def make_alexa_client(
    store: Store, redirect_uris: list[str], *, pkce_required: bool = False
) -> tuple[StoreAlexaClient, str]:
    """The store's client through the service (as the command makes it) and its secret."""
    client, secret = alexa_client_rotate(store=store, redirect_uris=redirect_uris)
    if pkce_required:
        client.pkce_required = True
        client.save(update_fields=["pkce_required"])
    return client, secret


def sign_in(client, account: ShopperAccount) -> None:
    """The shopper's session, as the shop's login makes it (through the shopper backend)."""
    client.force_login(account.user, backend="shoppers.auth.ShopperBackend")
