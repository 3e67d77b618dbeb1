"""The shopping agents on the shopper's account page: the platforms (UCP identity linking)
holding a live token for the account are listed, each unlinked on its own (its tokens for
this shopper revoked, the platform's own token, other shoppers' and Alexa's left alone, the
unlink in the client's audit); another store's platform is not found and nothing changes."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, Grant, RefreshToken
from oauthlib.common import generate_token

from linking.models import PlatformClientAction, PlatformClientEvent
from linking.selectors import agent_access
from linking.services import alexa_client_rotate, platform_client_register, platform_client_revoke
from merchant.tests.factories import StoreFactory

from .helpers import make_shopper, signed_in, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return StoreFactory(name="No Nicks")


@pytest.fixture
def ada(store):
    return make_shopper(store)


def token(application, user=None, *, refresh=False, expires_in=timedelta(hours=1)) -> str:
    """A token as the code grant (a shopper) or client credentials (``user`` None) issues it."""
    access = AccessToken.objects.create(
        user=user,
        application=application,
        token=generate_token(),
        expires=timezone.now() + expires_in,
        scope="profile cart orders" if user else "catalog",
    )
    if refresh:
        RefreshToken.objects.create(
            user=user, application=application, token=generate_token(), access_token=access
        )
    return str(access.token)


def test_linked_agents_are_listed_and_each_unlinked_on_its_own(store, ada):
    gemini, _ = platform_client_register(store=store, name="Gemini")
    alexa_plus, _ = platform_client_register(store=store, name="Alexa+")
    gone, _ = platform_client_register(store=store, name="Old agent")
    never, _ = platform_client_register(store=store, name="Never linked")
    alexa, _ = alexa_client_rotate(
        store=store, redirect_uris=["https://pitangui.amazon.com/api/skill/link/M2TEST"]
    )
    bob = make_shopper(store, email="bob@example.com", name="Bob")
    adas = token(gemini.application, ada.user, refresh=True)
    Grant.objects.create(
        user=ada.user,
        application=gemini.application,
        code="pending-code",
        expires=timezone.now() + timedelta(minutes=1),
        redirect_uri="https://gemini.example/cb",
        scope="orders",
    )
    token(alexa_plus.application, ada.user)
    token(gone.application, ada.user)
    platform_client_revoke(client=gone)
    token(never.application, ada.user, expires_in=-timedelta(minutes=1))  # expired long ago
    bobs = token(gemini.application, bob.user, refresh=True)
    platforms_own = token(gemini.application)
    alexas = token(alexa.application, ada.user, refresh=True)
    client = signed_in(ada)

    page = client.get(url("account", store)).content.decode()

    assert "Unlink Alexa+" in page and "Unlink Gemini" in page
    assert page.index("Unlink Alexa+") < page.index("Unlink Gemini")
    assert "Old agent" not in page and "Never linked" not in page
    assert f"(linked since {timezone.localdate():%-d %B %Y})" in page

    response = client.post(url("platform_unlink", store, gemini.pk), follow=True)

    page = response.content.decode()
    assert "Gemini is no longer linked to your account." in page
    assert "Unlink Gemini" not in page and "Unlink Alexa+" in page
    assert agent_access(store=store, access_token=adas) is None
    assert not AccessToken.objects.filter(user=ada.user, application=gemini.application).exists()
    assert not Grant.objects.filter(user=ada.user, application=gemini.application).exists()
    assert RefreshToken.objects.get(user=ada.user, application=gemini.application).revoked
    assert agent_access(store=store, access_token=bobs).account == bob
    assert agent_access(store=store, access_token=platforms_own).account is None
    assert agent_access(store=store, access_token=alexas).account == ada
    event = PlatformClientEvent.objects.get(action=PlatformClientAction.UNLINKED)
    assert (event.client, event.actor_label, event.data) == (
        gemini,
        "shopper",
        {"account_id": ada.pk, "refresh_tokens": 1, "access_tokens": 1},
    )

    client.post(url("platform_unlink", store, alexa_plus.pk))
    page = client.get(url("account", store)).content.decode()
    assert "No shopping agent is linked to your account." in page
    assert "Alexa is linked" in page  # the skill's link is another thing


def test_another_stores_agent_is_not_found_and_nothing_changes(store, ada):
    elsewhere = StoreFactory(slug="elsewhere")
    theirs, _ = platform_client_register(store=elsewhere, name="Gemini")
    shopper_there = make_shopper(elsewhere)
    kept = token(theirs.application, shopper_there.user, refresh=True)
    client = signed_in(ada)

    response = client.post(url("platform_unlink", store, theirs.pk))

    assert response.status_code == 404
    assert agent_access(store=elsewhere, access_token=kept).account == shopper_there
    assert RefreshToken.objects.get(application=theirs.application).revoked is None
    assert not PlatformClientEvent.objects.filter(action=PlatformClientAction.UNLINKED).exists()
    assert client.get(url("platform_unlink", store, theirs.pk)).status_code == 405


def test_signed_out_no_unlink(store, ada):
    gemini, _ = platform_client_register(store=store, name="Gemini")
    adas = token(gemini.application, ada.user)

    response = Client().post(url("platform_unlink", store, gemini.pk))

    assert response.status_code == 302
    assert agent_access(store=store, access_token=adas).account == ada
