"""The owner's page of the store's Alexa client: the secret shown once, URIs and PKCE
edited through the services, other stores and other roles refused."""

from django.contrib.auth.hashers import check_password
from django.urls import reverse

from linking.models import AlexaClientEvent, StoreAlexaClient
from merchant.models import Role
from merchant.tests.factories import MembershipFactory

from .conftest import ALEXA_REDIRECT

LAYLA = "https://layla.amazon.com/api/skill/link/M2TESTVENDOR"


def owner_of(store):
    return MembershipFactory(store=store, role=Role.OWNER).user


def test_an_owner_makes_the_client_and_sees_the_secret_once(client, settings, store):
    settings.ALEXA_VENDOR_ID = "M2TESTVENDOR"
    client.force_login(owner_of(store))

    page = client.post(
        reverse("admin:linking_storealexaclient_add"),
        {"store": store.pk, "redirect_uris_text": "", "pkce_required": "on"},
    )

    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"].split(", ")
    created = StoreAlexaClient.objects.select_related("application").get(store=store)
    secret = page.context["client_secret"]
    assert check_password(secret, created.application.client_secret)
    html = page.content.decode()
    assert f'<code id="client-secret">{secret}</code>' in html
    assert f'<code id="client-id">{created.application.client_id}</code>' in html
    assert created.pkce_required is True
    assert len(created.redirect_uris()) == 4
    change = client.get(reverse("admin:linking_storealexaclient_change", args=[created.pk]))
    assert secret not in change.content.decode()
    assert 'button type="submit" form="rotate-form"' in change.content.decode()
    assert created.application.client_id in change.content.decode()


def test_a_new_client_without_uris_or_vendor_id_is_refused(client, settings, store):
    settings.ALEXA_VENDOR_ID = ""
    client.force_login(owner_of(store))

    page = client.post(
        reverse("admin:linking_storealexaclient_add"), {"store": store.pk, "redirect_uris_text": ""}
    )

    assert page.status_code == 200
    assert page.context["adminform"].form.errors == {
        "redirect_uris_text": [
            "Give the skill's redirect URIs, or the vendor id they end with (ALEXA_VENDOR_ID)."
        ]
    }
    assert StoreAlexaClient.objects.count() == 0


def test_an_owner_edits_the_uris_and_pkce(client, store, alexa):
    obj = alexa[0]
    client.force_login(owner_of(store))

    answer = client.post(
        reverse("admin:linking_storealexaclient_change", args=[obj.pk]),
        {"redirect_uris_text": f"{ALEXA_REDIRECT}\n{LAYLA}\n", "pkce_required": "on"},
    )

    assert answer.status_code == 302
    obj.refresh_from_db()
    obj.application.refresh_from_db()
    assert obj.redirect_uris() == [ALEXA_REDIRECT, LAYLA]
    assert obj.pkce_required is True
    assert AlexaClientEvent.objects.filter(action="changed").count() == 1


def test_a_bad_uri_is_refused_and_nothing_changes(client, store, alexa):
    obj = alexa[0]
    client.force_login(owner_of(store))

    page = client.post(
        reverse("admin:linking_storealexaclient_change", args=[obj.pk]),
        {"redirect_uris_text": "http://pitangui.amazon.com/x"},
    )

    assert page.status_code == 200
    assert page.context["adminform"].form.errors == {
        "redirect_uris_text": [
            "http://pitangui.amazon.com/x is not a redirect URI: an absolute https address "
            "without a fragment."
        ]
    }
    obj.application.refresh_from_db()
    assert obj.redirect_uris() == [ALEXA_REDIRECT]


def test_rotating_shows_the_new_secret_once(client, store, alexa):
    obj, old_secret = alexa
    client.force_login(owner_of(store))

    page = client.post(reverse("admin:linking_storealexaclient_rotate", args=[obj.pk]))

    assert page.status_code == 200
    secret = page.context["client_secret"]
    obj.application.refresh_from_db()
    assert check_password(secret, obj.application.client_secret)
    assert not check_password(old_secret, obj.application.client_secret)
    assert (
        client.get(reverse("admin:linking_storealexaclient_rotate", args=[obj.pk])).status_code
        == 405
    )


def test_another_stores_owner_and_other_roles_cannot_reach_the_client(
    client, store, other_store, alexa
):
    obj = alexa[0]
    hash_before = obj.application.client_secret
    for user in [
        owner_of(other_store),
        MembershipFactory(store=store, role=Role.CATALOG_EDITOR).user,
        MembershipFactory(store=store, role=Role.SUPPORT_AGENT, can_refund=True).user,
    ]:
        client.force_login(user)
        rotate = client.post(reverse("admin:linking_storealexaclient_rotate", args=[obj.pk]))
        change = client.get(reverse("admin:linking_storealexaclient_change", args=[obj.pk]))
        assert rotate.status_code in {403, 404}
        assert change.status_code in {302, 403, 404}
    obj.application.refresh_from_db()
    assert obj.application.client_secret == hash_before
    assert AlexaClientEvent.objects.exclude(action="created").count() == 0


def test_the_add_form_offers_only_the_owners_stores_without_a_client(
    client, store, other_store, alexa
):
    third = MembershipFactory(role=Role.OWNER)
    MembershipFactory(user=third.user, store=store, role=Role.OWNER)
    client.force_login(third.user)

    page = client.get(reverse("admin:linking_storealexaclient_add"))

    choices = list(page.context["adminform"].form.fields["store"].queryset)
    assert choices == [third.store]
