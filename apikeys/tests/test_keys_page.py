"""The API keys page (/admin/api-keys/<store id>/): owners make a key (shown once), see the
scopes and last use, revoke; the audit; nobody else gets in, and nothing changes then."""

import re

import pytest
from django.urls import reverse

from apikeys.models import ApiKeyEvent, StoreApiKey
from apikeys.tests.helpers import client_with
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return StoreFactory(slug="alpha", name="Alpha Shaves")


@pytest.fixture
def owner(store):
    return MembershipFactory(store=store, role=Role.OWNER, user__username="olga").user


def page(store):
    return reverse("api_keys:store", args=[store.pk])


def state():
    return (
        list(StoreApiKey.objects.values_list("prefix", "revoked")),
        ApiKeyEvent.objects.count(),
    )


def test_an_owner_makes_a_key_sees_it_once_and_it_works(client, store, owner):
    client.force_login(owner)
    assert client.get(reverse("api_keys:index")).url == page(store)
    made = client.post(page(store), {"name": "Warehouse sync", "scopes": ["orders:read"]})
    assert (made.status_code, made.url) == (302, page(store))  # a reload makes no second key
    html = client.get(page(store)).content.decode()
    plain = re.search(r'id="new-api-key" type="text" readonly value="([^"]+)"', html).group(1)
    key = StoreApiKey.objects.get()
    assert plain.startswith(key.prefix + ".")
    assert (key.name, key.scopes, key.created_by) == ("Warehouse sync", ["orders:read"], owner)
    assert 'data-copy-from="new-api-key"' in html
    assert "it is shown only this once" in html
    # Shown once: the page never shows it again, only its id.
    again = client.get(page(store)).content.decode()
    assert plain not in again and key.prefix in again
    assert "never" in again  # not used yet
    assert client_with(plain).get("/api/orders/").status_code == 200
    shown = client.get(page(store)).content.decode()
    assert "never" not in re.search(r'class="key-last-used">([^<]*)<', shown).group(1)
    event = ApiKeyEvent.objects.get()
    assert (event.action, event.actor) == ("created", owner)
    assert "olga" in shown and f"created the key “Warehouse sync” ({key.prefix})" in shown


def test_the_form_refuses_in_words_and_makes_nothing(client, store, owner):
    client.force_login(owner)
    response = client.post(page(store), {"name": "", "scopes": []})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Name the key, e.g. after the tool that will use it." in html
    assert "Choose at least one scope: what may the key do?" in html
    unknown = client.post(page(store), {"name": "x", "scopes": ["orders:delete"]})
    assert "Choose scopes from the list." in unknown.content.decode()
    assert state() == ([], 0)


def test_an_owner_revokes_a_key(client, store, owner):
    client.force_login(owner)
    client.post(page(store), {"name": "Old tool", "scopes": ["catalog:read"]})
    key = StoreApiKey.objects.get()
    done = client.post(reverse("api_keys:revoke", args=[store.pk, key.prefix]), follow=True)
    html = done.content.decode()
    assert "Revoked the key “Old tool”: requests with it are refused from now on." in html
    key.refresh_from_db()
    assert key.revoked is True and key.revoked_at is not None
    assert [e.action for e in ApiKeyEvent.objects.order_by("pk")] == ["created", "revoked"]
    twice = client.post(reverse("api_keys:revoke", args=[store.pk, key.prefix]), follow=True)
    assert "was revoked already" in twice.content.decode()
    assert ApiKeyEvent.objects.count() == 2


@pytest.mark.parametrize("role", [Role.CATALOG_EDITOR, Role.SUPPORT_AGENT])
def test_other_roles_are_refused_and_nothing_changes(client, store, owner, role):
    client.force_login(owner)
    client.post(page(store), {"name": "Tool", "scopes": ["catalog:read"]})
    key = StoreApiKey.objects.get()
    before = state()
    client.force_login(MembershipFactory(store=store, role=role).user)
    assert client.get(reverse("api_keys:index")).status_code == 403
    assert client.get(page(store)).status_code == 403
    made = client.post(page(store), {"name": "Mine", "scopes": ["orders:write"]})
    assert made.status_code == 403
    revoke = client.post(reverse("api_keys:revoke", args=[store.pk, key.prefix]))
    assert revoke.status_code == 403
    assert state() == before


def test_another_stores_owner_gets_a_404_and_changes_nothing(client, store, owner):
    client.force_login(owner)
    client.post(page(store), {"name": "Tool", "scopes": ["catalog:read"]})
    key = StoreApiKey.objects.get()
    before = state()
    stranger = MembershipFactory(store=StoreFactory(), role=Role.OWNER).user
    client.force_login(stranger)
    assert client.get(page(store)).status_code == 404
    assert client.post(page(store), {"name": "x", "scopes": ["orders:read"]}).status_code == 404
    assert client.post(reverse("api_keys:revoke", args=[store.pk, key.prefix])).status_code == 404
    assert state() == before


def test_a_key_of_another_store_cannot_be_revoked_through_mine(client, store, owner):
    theirs = StoreFactory()
    from apikeys.services import api_key_create

    key, _ = api_key_create(store=theirs, name="Theirs", scopes=["orders:read"], actor=None)
    before = state()
    client.force_login(owner)
    done = client.post(reverse("api_keys:revoke", args=[store.pk, key.prefix]), follow=True)
    assert "No key of this store has that id." in done.content.decode()
    assert state() == before


def test_the_header_links_owners_to_their_keys(client, store, owner):
    client.force_login(owner)
    html = client.get(reverse("admin:index")).content.decode()
    assert reverse("api_keys:index") in html
    client.force_login(MembershipFactory(store=store, role=Role.SUPPORT_AGENT).user)
    assert reverse("api_keys:index") not in client.get("/support/").content.decode()


def test_the_librarys_unused_key_model_is_not_in_the_admin(client):
    from merchant.tests.factories import UserFactory

    client.force_login(UserFactory(is_superuser=True))
    html = client.get(reverse("admin:index")).content.decode()
    assert "/admin/rest_framework_api_key/" not in html
    assert client.get("/admin/rest_framework_api_key/apikey/").status_code == 404
