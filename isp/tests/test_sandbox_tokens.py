"""How the ISP sandbox knows whom a Monetization API call is for: from the bearer token
alone, a token it issued itself (signed) or was told of, never from the skill runtime."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing

from isp.models import SandboxToken
from isp.sandbox import (
    TOKEN_SALT,
    TokenOwner,
    sandbox_access_token,
    sandbox_learn_token,
    sandbox_token_owner,
)
from isp.tests.factories import ProductFactory, sandbox_on
from merchant.tests.factories import StoreFactory

pytestmark = pytest.mark.django_db
USER = "amzn1.ask.account.TOKENUSER"
PRODUCTS = "/sandbox/monetization/v1/users/~current/skills/~current/inSkillProducts"


@pytest.fixture
def store():
    return sandbox_on(StoreFactory())


def skill_id(store) -> str:
    return store.skill_ids.get().skill_id


def ask(client, token: str):
    return client.get(
        PRODUCTS, headers={"Authorization": f"Bearer {token}", "Accept-Language": "en-US"}
    )


def test_an_issued_token_names_its_store_and_user_and_keeps_no_row(store, client):
    ProductFactory(store=store, reference_name="pro_pack")
    token = sandbox_access_token(skill_id=skill_id(store), user_id=USER)
    assert sandbox_token_owner(token) == TokenOwner(store=store, user_id=USER)
    answer = ask(client, token)
    assert answer.status_code == 200
    assert [p["referenceName"] for p in answer.json()["inSkillProducts"]] == ["pro_pack"]
    assert SandboxToken.objects.count() == 0


def test_a_token_names_nobody_when_forged_altered_or_of_an_unknown_skill(store, client):
    token = sandbox_access_token(skill_id=skill_id(store), user_id=USER)
    forged = signing.dumps({"skill": skill_id(store), "user": USER}, salt="another salt")
    payload, stamp, signature = token.split(":")
    other = sandbox_access_token(skill_id=skill_id(store), user_id="amzn1.ask.account.OTHER")
    altered = f"{other.split(':')[0]}:{stamp}:{signature}"
    unknown = sandbox_access_token(skill_id="amzn1.ask.skill.unknown", user_id=USER)
    no_user = signing.dumps({"skill": skill_id(store), "user": ""}, salt=TOKEN_SALT)
    for bad in (forged, altered, unknown, no_user, "Atza|made-up", ""):
        assert sandbox_token_owner(bad) is None
        if bad:
            assert ask(client, bad).status_code == 401


def test_an_issued_token_expires_with_the_learned_ones(store):
    token = sandbox_access_token(skill_id=skill_id(store), user_id=USER)
    with time_machine.travel(timedelta(days=2, seconds=-5)):
        assert sandbox_token_owner(token) == TokenOwner(store=store, user_id=USER)
    with time_machine.travel(timedelta(days=2, seconds=5)):
        assert sandbox_token_owner(token) is None


def test_a_store_out_of_sandbox_mode_gets_404_for_its_issued_token(store, client):
    token = sandbox_access_token(skill_id=skill_id(store), user_id=USER)
    store.isp_settings.sandbox_mode = False
    store.isp_settings.save()
    assert ask(client, token).status_code == 404


def test_a_token_a_driver_made_up_is_known_once_registered(store):
    assert sandbox_token_owner("Atza|made-up") is None
    assert sandbox_learn_token(store=store, user_id=USER, api_access_token="Atza|made-up")
    assert sandbox_token_owner("Atza|made-up") == TokenOwner(store=store, user_id=USER)
