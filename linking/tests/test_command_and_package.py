"""`alexa_link_client` and the account-linking.json of the skill package export."""

import io
import json
import zipfile

import pytest
from django.contrib.auth.hashers import check_password
from django.core.management import CommandError, call_command

from catalog.tests.factories import ProductFactory
from linking.endpoints import CLIENT_SECRET_PLACEHOLDER
from linking.models import StoreAlexaClient
from skill.intents import LINKED_ACCOUNT
from voicelab.package import build_skill_package, skill_package_zip

from .conftest import ALEXA_REDIRECT

KEYS = ["client_id", "client_secret", "authorization_url", "access_token_url", "scopes"]


def run(*args: str) -> dict:
    out = io.StringIO()
    call_command("alexa_link_client", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_command_prints_the_clients_settings_as_one_json_object(settings, store):
    settings.PUBLIC_BASE_URL = "https://shop.example.org"

    printed = run("--store", "tea-house", "--redirect-uri", ALEXA_REDIRECT)

    client = StoreAlexaClient.objects.select_related("application").get(store=store)
    assert list(printed) == [*KEYS, "redirect_uris"]
    assert printed["client_id"] == client.application.client_id
    assert check_password(printed["client_secret"], client.application.client_secret)
    assert printed["authorization_url"] == "https://shop.example.org/o/authorize/"
    assert printed["access_token_url"] == "https://shop.example.org/o/token/"
    assert printed["scopes"] == ["profile", "cart", "orders"]
    assert printed["redirect_uris"] == [ALEXA_REDIRECT]


def test_running_it_again_rotates_the_secret_and_keeps_the_uris(store):
    first = run("--store", "tea-house", "--redirect-uri", ALEXA_REDIRECT)

    second = run("--store", "tea-house")

    app = StoreAlexaClient.objects.get(store=store).application
    assert second["client_id"] == first["client_id"]
    assert second["client_secret"] != first["client_secret"]
    assert check_password(second["client_secret"], app.client_secret)
    assert not check_password(first["client_secret"], app.client_secret)
    assert second["redirect_uris"] == [ALEXA_REDIRECT]


def test_the_command_refuses_an_unknown_store_and_a_bad_uri(db, store):
    with pytest.raises(CommandError, match='No store with the slug "nope"'):
        run("--store", "nope")
    with pytest.raises(CommandError, match="ftp://x is not a redirect URI"):
        run("--store", "tea-house", "--redirect-uri", "ftp://x")
    assert StoreAlexaClient.objects.count() == 0


def test_the_export_writes_account_linking_json_beside_the_skill_package(
    settings, store, alexa, tmp_path
):
    settings.PUBLIC_BASE_URL = "https://shop.example.org"
    ProductFactory(store=store, name="Green tea")
    out = io.StringIO()

    call_command("export_skill_package", "--store", "tea-house", str(tmp_path), stdout=out)

    written = json.loads((tmp_path / "account-linking.json").read_text())
    assert written == {
        "accountLinkingRequest": {
            "type": "AUTH_CODE",
            "authorizationUrl": "https://shop.example.org/o/authorize/",
            "accessTokenUrl": "https://shop.example.org/o/token/",
            "clientId": alexa[0].application.client_id,
            "clientSecret": CLIENT_SECRET_PLACEHOLDER,
            "accessTokenScheme": "HTTP_BASIC",
            "defaultTokenExpirationInSeconds": 3600,
            "domains": [],
            "scopes": ["profile", "cart", "orders"],
            "skipOnEnablement": False,
        }
    }
    assert (tmp_path / "skill-package" / "skill.json").is_file()
    assert "ask smapi update-account-linking-info -s <skill id>" in out.getvalue()
    package = build_skill_package(store=store)
    with zipfile.ZipFile(io.BytesIO(skill_package_zip(package))) as archive:
        assert json.loads(archive.read("account-linking.json")) == written


def test_a_store_without_a_client_exports_no_account_linking(store, tmp_path):
    ProductFactory(store=store, name="Green tea")

    call_command(
        "export_skill_package", "--store", "tea-house", str(tmp_path), stdout=io.StringIO()
    )

    assert not (tmp_path / "account-linking.json").exists()
    package = build_skill_package(store=store)
    assert "account-linking.json" not in package.files()
    # Nobody can link, so the linked account's intents (cart, wish list, voice code) are
    # not offered either.
    assert linked_intents(package) == []


def linked_intents(package):
    model = package.models["en-US"]["interactionModel"]["languageModel"]
    return sorted(intent["name"] for intent in model["intents"] if intent["name"] in LINKED_ACCOUNT)


def test_a_store_with_a_client_offers_the_linked_accounts_intents(store, alexa):
    ProductFactory(store=store, name="Green tea")

    assert linked_intents(build_skill_package(store=store)) == sorted(LINKED_ACCOUNT)


# The phrases for a linked shopper, word for word, as samples of the en-US model.
SAID_WORD_FOR_WORD = {
    "CartContentsIntent": "what's in my cart",
    "OrderCartIntent": "order my cart",
    "AddToWishListIntent": "add {Product} to my wish list",
    "WishListContentsIntent": "what's on my wish list",
    "OrderFromWishListIntent": "order {Product} from my wish list",
    "ReorderIntent": "re-order",
}


def test_the_linked_phrases_are_samples_of_every_locales_model(alexa):
    store = alexa[0].store
    store.enabled_locales = ["en-US", "en-GB", "de-DE"]
    store.save(update_fields=["enabled_locales"])
    ProductFactory(store=store, name="Green tea")
    package = build_skill_package(store=store)

    samples = {
        locale: {
            intent["name"]: intent.get("samples", [])
            for intent in model["interactionModel"]["languageModel"]["intents"]
        }
        for locale, model in package.models.items()
    }

    assert sorted(samples) == ["de-DE", "en-GB", "en-US"]
    for intent, phrase in SAID_WORD_FOR_WORD.items():
        assert phrase in samples["en-US"][intent], intent
    for locale in ("en-GB", "de-DE"):
        missing = [name for name in sorted(LINKED_ACCOUNT) if not samples[locale].get(name)]
        assert missing == [], locale
