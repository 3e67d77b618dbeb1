"""In a real browser (Debian's chromium), at 1280 and 390 pixels: the demo owner goes from
the launch checklist to the publish page, connects Sleep Well to its sandbox developer
account through Login with Amazon's consent page, and publishes; the page lists each step
and fits a phone without sideways scrolling."""

import pytest

from demo.isp_seed import seed_demo_isp
from skill import verification
from smapi_sandbox.signing import trust_sandbox_signatures
from testing import admin_login, record_console_errors
from voicelab.models import PublishStatus, SkillPublish, SmapiConnection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STEPS = [
    "Export and validate the package",
    "Create or update the skill",
    "Account linking",
    "In-skill products",
    "Build",
    "Enable for testing",
    "Validations",
    "Smoke simulation",
    "Submission for certification",
]


@pytest.fixture
def sleep_well(live_server, settings, demo_store):
    settings.PUBLIC_BASE_URL = live_server.url
    settings.SMAPI_POLL_SECONDS = 0.05
    settings.SMAPI_SANDBOX_DELAY_SECONDS = 0
    trust_sandbox_signatures()
    store = seed_demo_isp(demo_store)
    store.sandbox_mode = True
    store.skill_endpoint_url = "https://sleep.example.org/alexa/"
    store.save()
    yield store
    verification.set_verifier(None)


def connect_and_publish(page, live_server, store, *, shot: str):
    page.goto(f"{live_server.url}/console/launch/stores/{store.pk}/")
    page.click("#publish-link")
    page.wait_for_url(f"{live_server.url}/console/launch/stores/{store.pk}/publish/")
    assert page.is_disabled("#publish-button")
    page.click("#connect")
    # The sandbox's Login with Amazon consent page.
    page.wait_for_selector("#consent")
    assert page.locator("#scopes li").all_inner_texts()[0] == "alexa::ask:skills:readwrite"
    page.select_option("#store", str(store.pk))
    page.click("#allow")
    page.wait_for_selector("#connected")
    assert "The Amazon developer account is connected." in page.inner_text("body")
    assert page.locator("#vendor_id option:checked").inner_text().startswith("Sleep Well (")
    page.click("#publish-button")  # no broker in the tests: the request publishes
    page.wait_for_selector("#publish-state")
    assert page.inner_text("#publish-state") == "Published"
    titles = page.locator("#publish-steps li strong").all_inner_texts()
    assert [t.strip() for t in titles] == STEPS
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.screenshot(path=f"docs/screenshots/{shot}", full_page=True)


def test_the_owner_connects_and_publishes_at_desktop_and_phone_widths(
    page, live_server, sleep_well
):
    errors: list[str] = []
    record_console_errors(page, errors)
    admin_login(page, live_server, "owner")
    page.wait_for_url(f"{live_server.url}/admin/")

    page.set_viewport_size({"width": 1280, "height": 900})
    connect_and_publish(page, live_server, sleep_well, shot="12-publish-to-alexa.png")
    skill_id = SmapiConnection.objects.get(store=sleep_well).skill_id
    assert page.inner_text("#skill-id") == skill_id

    # On a phone: disconnect, connect again, publish again (the unchanged package is not
    # sent again; the skill stays the same).
    page.set_viewport_size({"width": 390, "height": 844})
    page.click("#disconnect")
    page.wait_for_selector("#connect")
    connect_and_publish(page, live_server, sleep_well, shot="12-publish-to-alexa-phone.png")
    assert page.inner_text("#skill-id") == skill_id
    assert "Amazon already has this package (same hash): not sent again." in page.inner_text(
        "#publish-steps"
    )
    assert list(SkillPublish.objects.values_list("status", flat=True)) == [
        PublishStatus.SUCCEEDED,
        PublishStatus.SUCCEEDED,
    ]
    assert errors == []
