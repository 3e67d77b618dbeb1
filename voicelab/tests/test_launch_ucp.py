"""The launch checklist's UCP checks: the profile valid against the 2026-04-08 schemas, and
the conformance run of the store's checkout through its UCP operations (owners only), each
step's result on the checklist page."""

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client

from discounts.models import Discount
from merchant.models import Role, Store
from merchant.tests.factories import MembershipFactory
from orders.models import Order, OrderChannel, OrderStatus
from voicelab.launch.checks import FAILED, PASSED, WARNING
from voicelab.launch.ucp_checks import ucp_profile_valid
from voicelab.launch.ucp_run import SKIPPED, ucp_conformance_run

pytestmark = pytest.mark.django_db

SECRET = "launch-simulation-secret"


@pytest.fixture
def flowers(tmp_path, settings):
    settings.UCP_SIMULATION_SECRET = SECRET
    cache.clear()
    call_command("ucp_conformance_fixtures", store="flowers", out=str(tmp_path), create_store=True)
    yield Store.objects.get(slug="flowers")
    cache.clear()


@pytest.fixture
def owner(flowers):
    client = Client()
    client.force_login(MembershipFactory(store=flowers, role=Role.OWNER).user)
    return client


def test_the_profile_check_passes_and_warns_when_ucp_is_off(flowers):
    check = ucp_profile_valid(flowers)
    assert (check.key, check.status, check.problems) == ("ucp-profile", PASSED, [])
    flowers.ucp_enabled = False
    assert ucp_profile_valid(flowers).status == WARNING


def test_a_profile_that_breaks_the_schemas_fails_with_the_problems(flowers, monkeypatch):
    from voicelab.launch import ucp_checks  # the module whose profile is made to break

    def broken(store, *, base_url):
        return {"ucp": {"version": "yesterday"}}

    monkeypatch.setattr(ucp_checks, "business_profile", broken)
    check = ucp_profile_valid(flowers)
    assert check.status == FAILED
    assert check.problems and all(": " in p for p in check.problems)


def test_the_run_plays_every_step_and_places_one_agent_order(flowers):
    code = Discount.objects.filter(store=flowers).order_by("code").first()
    used = code.times_used
    steps = ucp_conformance_run(flowers, host="testserver")
    assert [(s.name, s.status) for s in steps] == [
        ("Profile", PASSED),
        ("Create a checkout", PASSED),
        ("Update with a discount code", PASSED),
        ("Complete with a test payment", PASSED),
        ("Read the order", PASSED),
    ], [(s.detail, s.problems) for s in steps]
    order = Order.objects.get(store=flowers, channel=OrderChannel.AGENT)
    assert (order.status, order.agent_name) == (OrderStatus.PLACED, "launch-checklist.invalid")
    assert order.discount_codes == [code.code]
    code.refresh_from_db()
    assert code.times_used == used + 1


def test_without_a_test_payment_the_run_stops_before_paying(flowers, settings):
    settings.UCP_SIMULATION_SECRET = ""
    steps = ucp_conformance_run(flowers, host="testserver")
    assert [s.status for s in steps] == [PASSED, PASSED, PASSED, SKIPPED, SKIPPED]
    assert "No test payment here" in steps[3].detail
    assert not Order.objects.filter(store=flowers).exclude(status=OrderStatus.DRAFT).exists()


def test_with_ucp_off_the_run_says_so_and_does_nothing(flowers):
    flowers.ucp_enabled = False
    flowers.save()
    steps = ucp_conformance_run(flowers, host="testserver")
    assert (steps[0].status, steps[0].detail) == (
        FAILED,
        "UCP is off for this store: switch it on first.",
    )
    assert [s.status for s in steps[1:]] == [SKIPPED] * 4


def test_the_checklist_page_shows_the_check_and_the_runs_steps(flowers, owner):
    page = owner.get(f"/console/launch/stores/{flowers.pk}/").content.decode()
    assert "UCP profile valid (shopping agents)" in page
    assert "Run the UCP checkout" in page
    response = owner.post(f"/console/launch/stores/{flowers.pk}/ucp-run/")
    assert response.status_code == 200
    html = response.content.decode()
    for n in range(1, 6):
        assert f'id="ucp-step-{n}"' in html
    assert html.count('<span class="badge passed">Passed</span> <strong>') >= 5


def test_staff_who_are_not_owners_cannot_run_it(flowers):
    client = Client()
    client.force_login(MembershipFactory(store=flowers, role=Role.SUPPORT_AGENT).user)
    assert client.post(f"/console/launch/stores/{flowers.pk}/ucp-run/").status_code == 403
    assert not Order.objects.filter(store=flowers, channel=OrderChannel.AGENT).exists()


def test_behind_the_https_redirect_the_run_speaks_https(flowers, settings):
    settings.SECURE_SSL_REDIRECT = True
    steps = ucp_conformance_run(flowers, host="testserver", secure=True)
    assert [s.status for s in steps] == [PASSED] * 5
