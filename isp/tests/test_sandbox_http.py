"""The embedded ISP sandbox over real HTTP (live_server), read with the skill's own client."""

from datetime import timedelta

import pytest
import requests
from django.utils import timezone

from isp.models import SandboxEntitlement
from isp.monetization import fetch_in_skill_product, fetch_in_skill_products
from isp.sandbox import sandbox_learn_token
from isp.tests.factories import LocalizationFactory, ProductFactory, consumable, sandbox_on
from isp.tests.factories import subscription as make_subscription
from merchant.tests.factories import StoreFactory

pytestmark = pytest.mark.django_db(transaction=True)
USER = "amzn1.ask.account.SANDBOXUSER"
TOKEN = "token-of-the-sandbox-user"


@pytest.fixture
def sandbox(live_server, settings):
    settings.ISP_SANDBOX_BASE_URL = f"{live_server.url}/sandbox/monetization"
    settings.ISP_API_TIMEOUT_SECONDS = 5
    store = sandbox_on(StoreFactory())
    assert sandbox_learn_token(store=store, user_id=USER, api_access_token=TOKEN)
    return store


def products(store, locale="en-US", **kw):
    return fetch_in_skill_products(
        store=store,
        api_endpoint="https://api.amazonalexa.com",
        api_access_token=TOKEN,
        locale=locale,
        **kw,
    )


def flow(live_server, store, product, name, outcome):
    directive = {
        "type": "Connections.SendRequest",
        "name": name,
        "payload": {"InSkillProduct": {"productId": product.amazon_product_id}},
        "token": f"token-{name}",
    }
    answer = requests.post(
        f"{live_server.url}/sandbox/monetization/purchase-flow",
        json={
            "skillId": store.skill_ids.get().skill_id,
            "userId": USER,
            "directive": directive,
            "outcome": outcome,
        },
        timeout=5,
    )
    assert answer.status_code == 200
    request = answer.json()["request"]
    assert request["type"] == "Connections.Response"
    assert request["name"] == name
    assert request["status"] == {"code": "200", "message": "OK"}
    assert request["token"] == f"token-{name}"
    assert request["payload"]["productId"] == product.amazon_product_id
    return request["payload"]["purchaseResult"]


def test_products_are_listed_as_amazon_documents_them_localized(sandbox):
    product = ProductFactory(store=sandbox, reference_name="pro_pack")
    product.localizations.filter(locale="de-DE").update(name="Profi-Paket", summary="Zehn Tipps.")
    result = products(sandbox, locale="de-DE")
    assert result.available
    (state,) = result.products
    assert state.product_id == product.amazon_product_id
    assert (state.reference_name, state.type, state.name, state.summary) == (
        "pro_pack",
        "ENTITLEMENT",
        "Profi-Paket",
        "Zehn Tipps.",
    )
    # No price on amazon.de, where de-DE shoppers buy: not purchasable there.
    assert (state.entitled, state.entitlement_reason, state.purchasable) == (
        False,
        "NOT_PURCHASED",
        False,
    )
    assert (state.active_entitlement_count, state.purchase_mode) == (0, "TEST")
    english = products(sandbox, locale="en-US").products[0]
    assert (english.name, english.purchasable) == ("Pro Pack", True)
    single = fetch_in_skill_product(
        store=sandbox,
        api_endpoint="",
        api_access_token=TOKEN,
        locale="en-US",
        product_id=product.amazon_product_id,
    )
    assert single.available and single.product == products(sandbox).products[0]
    missing = fetch_in_skill_product(
        store=sandbox, api_endpoint="", api_access_token=TOKEN, locale="en-US", product_id="x"
    )
    assert missing.available and missing.product is None


def test_paging_with_next_token_and_max_results(sandbox, live_server):
    made = [ProductFactory(store=sandbox, reference_name=f"p_{n}") for n in range(5)]
    result = products(sandbox, max_results=2)
    assert [p.reference_name for p in result.products] == [p.reference_name for p in made]
    raw = requests.get(
        f"{live_server.url}/sandbox/monetization/v1/users/~current/skills/~current/inSkillProducts",
        params={"maxResults": 2},
        headers={"Authorization": f"Bearer {TOKEN}", "Accept-Language": "en-US"},
        timeout=5,
    ).json()
    assert len(raw["inSkillProducts"]) == 2 and raw["isTruncated"] is True
    assert raw["nextToken"]
    bad = requests.get(
        f"{live_server.url}/sandbox/monetization/v1/users/~current/skills/~current/inSkillProducts",
        params={"nextToken": "forged"},
        headers={"Authorization": f"Bearer {TOKEN}", "Accept-Language": "en-US"},
        timeout=5,
    )
    assert bad.status_code == 400
    no_language = requests.get(
        f"{live_server.url}/sandbox/monetization/v1/users/~current/skills/~current/inSkillProducts",
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=5,
    )
    assert no_language.status_code == 400
    assert no_language.json() == {"message": "Accept-Language is required."}
    entitled_only = products(sandbox, entitled="ENTITLED")
    assert entitled_only.available and entitled_only.products == ()


def test_stores_not_in_sandbox_mode_get_404(sandbox, live_server):
    live = StoreFactory()
    ProductFactory(store=live)
    sandbox_learn_token(store=live, user_id=USER, api_access_token="live-token")
    assert not sandbox_learn_token(store=live, user_id=USER, api_access_token="live-token")
    sandbox.isp_settings.sandbox_mode = False
    sandbox.isp_settings.save()
    base = f"{live_server.url}/sandbox/monetization"
    listing = requests.get(
        f"{base}/v1/users/~current/skills/~current/inSkillProducts",
        headers={"Authorization": f"Bearer {TOKEN}", "Accept-Language": "en-US"},
        timeout=5,
    )
    assert listing.status_code == 404
    purchase = requests.post(
        f"{base}/purchase-flow",
        json={"skillId": live.skill_ids.get().skill_id, "userId": USER, "outcome": "accept"},
        timeout=5,
    )
    assert purchase.status_code == 404
    reset = requests.delete(
        f"{base}/entitlements",
        params={"skillId": live.skill_ids.get().skill_id, "userId": USER},
        timeout=5,
    )
    assert reset.status_code == 404
    unknown = requests.get(
        f"{base}/v1/users/~current/skills/~current/inSkillProducts",
        headers={"Authorization": "Bearer nobody", "Accept-Language": "en-US"},
        timeout=5,
    )
    assert unknown.status_code == 401


def test_one_time_purchase_flow(sandbox, live_server):
    product = ProductFactory(store=sandbox)
    assert flow(live_server, sandbox, product, "Cancel", "accept") == "NOT_ENTITLED"
    assert flow(live_server, sandbox, product, "Upsell", "decline") == "DECLINED"
    assert flow(live_server, sandbox, product, "Buy", "error") == "ERROR"
    assert not products(sandbox).products[0].entitled
    assert flow(live_server, sandbox, product, "Buy", "accept") == "ACCEPTED"
    state = products(sandbox).products[0]
    assert (state.entitled, state.entitlement_reason, state.purchasable) == (
        True,
        "PURCHASED",
        False,
    )
    assert flow(live_server, sandbox, product, "Upsell", "accept") == "ALREADY_PURCHASED"
    assert flow(live_server, sandbox, product, "Cancel", "decline") == "DECLINED"
    assert flow(live_server, sandbox, product, "Cancel", "accept") == "ACCEPTED"
    assert products(sandbox).products[0].entitled is False


def test_subscription_flow_with_trial_and_cancel_at_period_end(sandbox, live_server):
    product = make_subscription(store=sandbox, trial_days=7)
    assert flow(live_server, sandbox, product, "Buy", "accept") == "ACCEPTED"
    row = SandboxEntitlement.objects.get(product=product, user_id=USER)
    assert timedelta(days=6, hours=23) < row.period_end - timezone.now() <= timedelta(days=7)
    assert flow(live_server, sandbox, product, "Buy", "accept") == "ALREADY_PURCHASED"
    assert flow(live_server, sandbox, product, "Cancel", "accept") == "ACCEPTED"
    state = products(sandbox).products[0]
    assert state.entitled is True and state.active_entitlement_count == 1
    assert flow(live_server, sandbox, product, "Cancel", "accept") == "NOT_ENTITLED"
    SandboxEntitlement.objects.filter(pk=row.pk).update(period_end=timezone.now())
    assert products(sandbox).products[0].entitled is False
    # A second purchase gets no second trial: a full month.
    assert flow(live_server, sandbox, product, "Buy", "accept") == "ACCEPTED"
    row.refresh_from_db()
    assert row.period_end - timezone.now() > timedelta(days=27)


def test_consumable_flow_and_reset(sandbox, live_server):
    product = consumable(store=sandbox)
    assert flow(live_server, sandbox, product, "Buy", "accept") == "ACCEPTED"
    assert flow(live_server, sandbox, product, "Buy", "accept") == "ACCEPTED"
    state = products(sandbox).products[0]
    assert (state.entitled, state.active_entitlement_count, state.purchasable) == (True, 2, True)
    assert flow(live_server, sandbox, product, "Cancel", "accept") == "ACCEPTED"
    assert products(sandbox).products[0].active_entitlement_count == 1
    reset = requests.delete(
        f"{live_server.url}/sandbox/monetization/entitlements",
        params={"skillId": sandbox.skill_ids.get().skill_id, "userId": USER},
        timeout=5,
    )
    assert reset.status_code == 204
    state = products(sandbox).products[0]
    assert (state.entitled, state.entitlement_reason, state.active_entitlement_count) == (
        False,
        "NOT_PURCHASED",
        0,
    )
    assert flow(live_server, sandbox, product, "Cancel", "accept") == "NOT_ENTITLED"


def test_a_malformed_purchase_flow_request_is_refused(sandbox, live_server):
    answer = requests.post(
        f"{live_server.url}/sandbox/monetization/purchase-flow",
        json={
            "skillId": sandbox.skill_ids.get().skill_id,
            "userId": USER,
            "directive": {"type": "Dialog.Delegate"},
            "outcome": "accept",
        },
        timeout=5,
    )
    assert answer.status_code == 400
    assert answer.json() == {"message": "directive must be a Connections.SendRequest directive"}


def test_texts_fall_back_to_the_store_default_locale(sandbox):
    product = ProductFactory(store=sandbox, listing=False)
    LocalizationFactory(product=product, locale="en-US", name="Only English")
    result = products(sandbox, locale="ja-JP")
    assert result.products[0].name == "Only English"
    assert result.products[0].purchasable is False  # no price on amazon.co.jp
