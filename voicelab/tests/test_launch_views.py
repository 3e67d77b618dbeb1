"""The launch checklist pages: owners only (a support agent or catalog editor gets 403,
another store's id 404), starting a run (eager Celery: the request plays the cases; with a
broker: queued after commit), the run's page and the JSON progress the page polls."""

from decimal import Decimal

import pytest

from catalog.tests.factories import ProductFactory
from merchant.models import PaymentMode, Role
from merchant.tests.factories import MembershipFactory, StoreFactory, UserFactory
from voicelab import tasks
from voicelab.models import CertificationRun


@pytest.fixture
def shop(db):
    store = StoreFactory(
        name="Corner Shop",
        invocation_name="corner shop",
        enabled_locales=["en-US"],
        payment_mode=PaymentMode.PAY_ON_DELIVERY,
        amazon_pay_seller_id="",
        tax_rate=Decimal("0"),
    )
    ProductFactory(store=store, name="Soap Bar", spoken_name="soap bar", price=Decimal("4.00"))
    return store


@pytest.fixture
def owner(shop):
    return MembershipFactory(store=shop, role=Role.OWNER).user


def url(store, tail=""):
    return f"/console/launch/stores/{store.pk}/{tail}"


def test_the_owner_sees_the_checklist(client, shop, owner):
    client.force_login(owner)
    response = client.get(url(shop))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Launch checklist: Corner Shop" in page
    for name in (
        "Seller of record",
        "Invocation name",
        "Icons and privacy policy",
        "Sandbox modes off",
        "Alexa skill id",
        "Amazon Pay seller id or pay on delivery",
        "In-skill products complete and valid",
        "Skill package exported after the last catalog change",
    ):
        assert name in page
    assert "Missing: small icon URL, large icon URL, privacy policy URL." in page
    assert f'href="/admin/merchant/store/{shop.pk}/change/#id_skill_small_icon_url"' in page
    assert "Run the certification cases" in page
    assert "voicelab/launch.js" in page and "<script>" not in page  # no inline script (CSP)
    assert client.get("/console/launch/").url == url(shop)  # one store: straight to it


@pytest.mark.parametrize(
    "role, can_refund", [(Role.SUPPORT_AGENT, True), (Role.CATALOG_EDITOR, False)]
)
def test_staff_who_are_not_owners_get_403(client, shop, role, can_refund):
    user = MembershipFactory(store=shop, role=role, can_refund=can_refund).user
    client.force_login(user)
    assert client.get(url(shop)).status_code == 403
    assert client.post(url(shop, "runs/")).status_code == 403
    assert client.get(url(shop, "runs/latest/progress/")).status_code == 403
    assert CertificationRun.objects.count() == 0


def test_another_stores_id_is_404(client, shop, owner):
    other = StoreFactory()
    run = CertificationRun.objects.create(store=shop)
    client.force_login(MembershipFactory(store=other, role=Role.OWNER).user)
    assert client.get(url(shop)).status_code == 404
    assert client.post(url(shop, "runs/")).status_code == 404
    assert client.get(url(shop, f"runs/{run.pk}/")).status_code == 404
    assert client.get(url(shop, f"runs/{run.pk}/progress/")).status_code == 404
    # The run's id under the other store's own address is not found either.
    assert client.get(url(other, f"runs/{run.pk}/progress/")).status_code == 404
    assert CertificationRun.objects.get().status == "queued"


def test_logged_out_visitors_are_sent_to_the_login(client, shop):
    response = client.get(url(shop))
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/?next=")
    assert UserFactory()  # (a user exists: the redirect is not for want of one)


def test_starting_a_run_plays_the_cases_in_the_request_when_celery_is_eager(
    client, shop, owner, django_capture_on_commit_callbacks
):
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):  # the request's commit
        response = client.post(url(shop, "runs/"))
    run = CertificationRun.objects.get()
    assert response.status_code == 302
    assert response.url == url(shop, f"runs/{run.pk}/")
    assert (run.status, run.started_by, run.progress_done, run.progress_total) == (
        "passed",
        owner,
        5,
        5,
    )

    page = client.get(response.url).content.decode()
    assert "Order a product, paying on delivery" in page
    assert "“order a soap bar”" in page
    assert "“Your order has been placed. Payment of 4 dollars is due on delivery.”" in page
    assert "data-progress-url" not in page  # finished: nothing to poll

    progress = client.get(url(shop, f"runs/{run.pk}/progress/")).json()["run"]
    assert {k: progress[k] for k in ("id", "status", "active", "done", "total", "counts")} == {
        "id": run.pk,
        "status": "passed",
        "active": False,
        "done": 5,
        "total": 5,
        "counts": {"passed": 5, "failed": 0, "skipped": 0},
    }
    assert [case["key"] for case in progress["cases"]] == [
        "pay_on_delivery_order",
        "order_status",
        "cancel_order",
        "refund_guidance",
        "help_and_stop",
    ]
    assert progress["url"] == url(shop, f"runs/{run.pk}/")
    latest = client.get(url(shop, "runs/latest/progress/")).json()["run"]
    assert latest["id"] == run.pk

    checklist = client.get(url(shop)).content.decode()
    assert f'href="{url(shop, f"runs/{run.pk}/")}"' in checklist
    assert "5 passed, 0 failed" in checklist


def test_with_a_broker_the_run_is_queued_after_commit_and_polled(
    client, shop, owner, monkeypatch, django_capture_on_commit_callbacks
):
    queued = []
    monkeypatch.setattr(tasks.run_certification, "delay", queued.append)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(url(shop, "runs/"))
    run = CertificationRun.objects.get()
    assert (len(callbacks), queued) == (1, [run.pk])
    page = client.get(response.url).content.decode()
    assert f'data-progress-url="{url(shop, f"runs/{run.pk}/progress/")}"' in page
    progress = client.get(url(shop, f"runs/{run.pk}/progress/")).json()["run"]
    assert (progress["status"], progress["active"], progress["done"], progress["total"]) == (
        "queued",
        True,
        0,
        0,
    )
    # A second click while it waits starts nothing new.
    again = client.post(url(shop, "runs/"))
    assert again.url == url(shop, f"runs/{run.pk}/")
    assert CertificationRun.objects.count() == 1 and queued == [run.pk]
    checklist = client.get(url(shop)).content.decode()
    assert 'id="start-run-button" disabled' in checklist


def test_a_broker_that_cannot_be_reached_closes_the_run_with_the_reason(
    client, shop, owner, monkeypatch, django_capture_on_commit_callbacks
):
    def down(run_id):
        raise ConnectionRefusedError("broker down")

    monkeypatch.setattr(tasks.run_certification, "delay", down)
    client.force_login(owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url(shop, "runs/"))
    run = CertificationRun.objects.get()
    assert (run.status, run.error) == (
        "error",
        "The task queue could not be reached (ConnectionRefusedError). Try again.",
    )


def test_latest_progress_without_any_run(client, shop, owner):
    client.force_login(owner)
    assert client.get(url(shop, "runs/latest/progress/")).json() == {"run": None}
