import factory

from merchant.tests.factories import StoreFactory
from webhooks.models import WebhookEndpoint, WebhookEventType
from webhooks.services import new_secret


class WebhookEndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEndpoint

    store = factory.SubFactory(StoreFactory)
    url = "https://hooks.example.com/voice-store"
    events = factory.LazyFunction(lambda: list(WebhookEventType.values))
    secret = factory.LazyFunction(new_secret)
