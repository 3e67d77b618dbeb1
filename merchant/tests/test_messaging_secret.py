"""The store's Alexa messaging client secret: encrypted at rest, write-only in the admin,
never shown again; production requires a real encryption key."""

import pytest
from django.forms.models import model_to_dict

from merchant import crypto
from merchant.admin import StoreForm
from merchant.models import Store
from merchant.tests.factories import StoreFactory

SECRET = "amzn1.oa2-cs.v1.the-very-secret-value"


def form_for(store, **changes):
    data = {k: v for k, v in model_to_dict(store).items() if v is not None}
    data.update(changes)
    return StoreForm(data=data, instance=store)


@pytest.mark.django_db
def test_the_secret_is_stored_encrypted_and_never_rendered(admin_client):
    store = StoreFactory(
        invocation_name="corner shop", messaging_client_id="amzn1.application-oa2-client.x"
    )
    form = form_for(store, messaging_client_secret=SECRET)
    assert form.is_valid(), form.errors
    form.save()
    store = Store.objects.get(pk=store.pk)
    assert store.has_messaging_credentials
    assert SECRET not in store.messaging_client_secret_encrypted
    assert store.messaging_client_secret() == SECRET

    page = admin_client.get(f"/admin/merchant/store/{store.pk}/change/").content.decode()
    assert SECRET not in page and store.messaging_client_secret_encrypted not in page
    assert "Set. Leave empty to keep it" in page

    # Saving without typing it keeps it; "forget" removes it.
    form = form_for(store)
    assert form.is_valid(), form.errors
    form.save()
    assert Store.objects.get(pk=store.pk).messaging_client_secret() == SECRET
    form = form_for(store, forget_messaging_client_secret="on")
    assert form.is_valid(), form.errors
    form.save()
    store = Store.objects.get(pk=store.pk)
    assert not store.has_messaging_credentials and store.messaging_client_secret() == ""


def test_production_needs_a_key_and_debug_derives_one(settings):
    settings.DEBUG, settings.FIELD_ENCRYPTION_KEY = False, []
    assert crypto.key_problem() == crypto.MISSING_KEY
    with pytest.raises(Exception, match="FIELD_ENCRYPTION_KEY must be set"):
        crypto.encrypt("x")
    settings.DEBUG = True
    assert crypto.key_problem() == ""
    assert crypto.decrypt(crypto.encrypt("x")) == "x"
    settings.DEBUG, settings.FIELD_ENCRYPTION_KEY = False, ["not-a-key"]
    assert "not a Fernet key" in crypto.key_problem()


def test_keys_rotate(settings):
    old = "dGVzdC1vbmx5LWZpZWxkLWVuY3J5cHRpb24ta2V5LTA="
    new = "bmV3LXRlc3Qtb25seS1maWVsZC1lbmNyeXB0aW9uLWs="
    settings.FIELD_ENCRYPTION_KEY = [old]
    token = crypto.encrypt(SECRET)
    settings.FIELD_ENCRYPTION_KEY = [new, old]
    assert crypto.decrypt(token) == SECRET
    settings.FIELD_ENCRYPTION_KEY = [new]
    with pytest.raises(crypto.UndecryptableSecret):
        crypto.decrypt(token)
