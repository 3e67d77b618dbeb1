"""The portal's records: consumable inventory (audits, spending under a lock, goodwill),
purchase results and the upsell cooldown."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from isp import selectors, services
from isp.errors import IspError, IspErrorCode
from isp.models import ConsumableLedgerEntry, ContentAccess, IspPurchaseResult, UpsellEvent
from isp.monetization import IspProductState, ProductsResult
from isp.tests.factories import ItemFactory, PriceFactory, ProductFactory, consumable, subscription
from merchant.models import Role
from merchant.tests.factories import MembershipFactory
from orders.tests.factories import CustomerFactory
from testing import require


def state(product, count, entitled=True):
    return IspProductState(
        product_id=product.amazon_product_id,
        reference_name=product.reference_name,
        type=product.type,
        name="x",
        summary="y",
        entitled=entitled,
        entitlement_reason="PURCHASED" if entitled else "NOT_PURCHASED",
        purchasable=True,
        active_entitlement_count=count,
        purchase_mode="TEST",
    )


@pytest.fixture
def shopper(db):
    customer = CustomerFactory()
    return customer, consumable(store=customer.store, units_per_purchase=3)


def test_audits_add_purchases_and_take_back_returns_never_below_zero(shopper):
    customer, pack = shopper
    services.entitlements_observe(customer=customer, products=[state(pack, 2)])
    assert selectors.consumable_balance(customer=customer, product=pack) == 6
    services.entitlements_observe(customer=customer, products=[state(pack, 2)])
    for _ in range(5):
        services.consumable_spend(customer=customer, product=pack)
    assert selectors.consumable_balance(customer=customer, product=pack) == 1
    services.entitlements_observe(customer=customer, products=[state(pack, 0, False)])
    assert selectors.consumable_balance(customer=customer, product=pack) == 0
    kinds = list(
        ConsumableLedgerEntry.objects.filter(customer=customer).values_list(
            "kind", "units", "packs"
        )
    )
    assert kinds == [("purchase", 6, 2)] + [("used", -1, 0)] * 5 + [("return", -1, -2)]
    with pytest.raises(IspError) as exc:
        services.consumable_spend(customer=customer, product=pack)
    assert exc.value.code == IspErrorCode.NO_UNITS_LEFT
    assert ConsumableLedgerEntry.objects.count() == 7
    entitlement = selectors.customer_entitlements(customer=customer)[0]
    assert (entitlement.entitled, entitlement.active_entitlement_count) == (False, 0)


def test_goodwill_is_audited_with_reason_and_agent(shopper):
    customer, pack = shopper
    agent = MembershipFactory(  # granting units needs the refund permission
        store=customer.store, role=Role.SUPPORT_AGENT, can_refund=True
    ).user
    assert (
        services.consumable_goodwill_grant(
            customer=customer, product=pack, units=2, reason="  Session   cut off ", actor=agent
        )
        == 2
    )
    entry = ConsumableLedgerEntry.objects.get()
    assert (entry.kind, entry.units, entry.reason, entry.actor) == (
        "goodwill",
        2,
        "Session cut off",
        agent,
    )
    for units, reason, code in [
        (0, "x", "bad_units"),
        (101, "x", "bad_units"),
        (1, " ", "reason_required"),
    ]:
        with pytest.raises(IspError) as exc:
            services.consumable_goodwill_grant(
                customer=customer, product=pack, units=units, reason=reason, actor=agent
            )
        assert exc.value.code == code
    assert ConsumableLedgerEntry.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_devices_spending_the_last_unit_spend_it_once():
    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    customer = CustomerFactory()
    pack = consumable(store=customer.store, units_per_purchase=1)
    services.entitlements_observe(customer=customer, products=[state(pack, 1)])
    barrier = threading.Barrier(4)
    outcomes = []

    def spend():
        try:
            barrier.wait()
            services.consumable_spend(customer=customer, product=pack)
            outcomes.append("spent")
        except IspError as exc:
            outcomes.append(exc.code)
        finally:
            connection.close()

    threads = [threading.Thread(target=spend) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["no_units_left"] * 3 + ["spent"]
    assert selectors.consumable_balance(customer=customer, product=pack) == 0
    assert ConsumableLedgerEntry.objects.filter(kind="used").count() == 1


def test_purchase_results_are_recorded_once_with_price_and_cooldown(db, settings):
    customer = CustomerFactory()
    product = ProductFactory(store=customer.store)
    PriceFactory(product=product, marketplace="amazon.co.uk", price="2.49")
    attempt = services.purchase_attempt_start(
        customer=customer, product=product, name="Upsell", locale="en-GB", resume={"at": "tips"}
    )
    for _ in range(2):  # Alexa may deliver a response twice
        row = services.purchase_result_record(
            customer=customer,
            product_id=product.amazon_product_id,
            name="Upsell",
            result="DECLINED",
            token=attempt.token,
            is_test=False,
        )
    assert IspPurchaseResult.objects.count() == 1
    assert (row.marketplace, row.currency, str(row.list_price)) == ("amazon.co.uk", "GBP", "2.49")
    assert selectors.upsell_declined_recently(customer=customer, product=product)
    later = timezone.now() + timedelta(days=product.upsell_cooldown_days, seconds=1)
    assert not selectors.upsell_declined_recently(customer=customer, product=product, now=later)
    assert list(UpsellEvent.objects.values_list("kind", flat=True)) == ["offered", "declined"]
    services.purchase_result_record(
        customer=customer,
        product_id=product.amazon_product_id,
        name="Buy",
        result="ACCEPTED",
        locale="en-US",
    )
    assert selectors.customer_entitlements(customer=customer)[0].entitled is True
    assert selectors.store_estimated_earnings(store=customer.store) == {
        "USD": selectors.estimated_earnings(
            list_price=product.prices.get(marketplace="amazon.com").price, currency="USD"
        )
    }
    settings.ISP_REVENUE_SHARE = type(settings.ISP_REVENUE_SHARE)("0.70")
    assert str(selectors.estimated_earnings(list_price=2.99, currency="USD")) == "2.09"
    assert str(selectors.estimated_earnings(list_price=300, currency="JPY")) == "210"
    assert product.has_buyers()


def test_support_sees_the_ledger_and_grants_goodwill(client, shopper):
    customer, pack = shopper
    services.entitlements_observe(customer=customer, products=[state(pack, 1)])
    agent = MembershipFactory(  # granting units needs the refund permission
        store=customer.store, role=Role.SUPPORT_AGENT, can_refund=True
    ).user
    client.force_login(agent)
    url = reverse("isp_support:customer_purchases", args=[customer.pk])
    assert (
        url.encode() in client.get(reverse("support:customer_detail", args=[customer.pk])).content
    )
    page = client.get(url).content.decode()
    assert f"{pack}: 3 left" in page
    refused = client.post(url, {"product": pack.pk, "units": 2, "reason": ""})
    assert refused.status_code == 400
    assert ConsumableLedgerEntry.objects.filter(kind="goodwill").count() == 0
    done = client.post(url, {"product": pack.pk, "units": 2, "reason": "Audio failed"})
    assert done.status_code == 302
    assert selectors.consumable_balance(customer=customer, product=pack) == 5
    entry = ConsumableLedgerEntry.objects.get(kind="goodwill")
    assert (entry.actor, entry.reason) == (agent, "Audio failed")


def test_other_stores_and_catalog_editors_are_kept_out(client, shopper):
    customer, pack = shopper
    url = reverse("isp_support:customer_purchases", args=[customer.pk])
    client.force_login(MembershipFactory(role=Role.SUPPORT_AGENT).user)
    assert client.get(url).status_code == 404
    assert client.post(url, {"product": pack.pk, "units": 2, "reason": "x"}).status_code == 404
    client.force_login(MembershipFactory(store=customer.store, role=Role.CATALOG_EDITOR).user)
    assert client.get(url).status_code == 403
    assert ConsumableLedgerEntry.objects.count() == 0


def test_content_access_follows_what_the_shopper_owns(db):
    item = ItemFactory()
    one_time = ProductFactory(store=item.store)
    pack = consumable(store=item.store)
    club = subscription(store=item.store)
    nothing = ProductsResult(available=True, products=(state(one_time, 0, False),))
    owned = ProductsResult(available=True, products=(state(one_time, 1),))
    subscribed = ProductsResult(available=True, products=(state(club, 1),))
    down = ProductsResult(available=False, reason="HTTP 500")
    assert selectors.content_access(item=item, states=down) == "open"
    item.access, item.product = ContentAccess.ONE_TIME, one_time
    assert [
        selectors.content_access(item=item, states=s) for s in (nothing, owned, subscribed, down)
    ] == ["locked", "open", "open", "locked"]
    item.access, item.product = ContentAccess.CONSUMABLE, pack
    assert selectors.content_access(item=item, states=nothing) == "spend"
    item.access, item.product = ContentAccess.SUBSCRIPTION, None
    assert selectors.content_access(item=item, states=nothing) == "locked"
