"""In a real browser: the demo owner asks the No Nicks skill for tips on the voice test console
until it suggests the Pro Shaving Pack, accepts in Amazon's purchase dialogue (played by the
ISP sandbox) and hears the premium tip; then resets the test purchases. No console error."""

import pytest

from demo.isp_seed import seed_demo_isp
from isp.models import SandboxEntitlement
from testing import admin_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TURNS = "#transcript .turn"


def wait_for_turns(page, count):
    page.wait_for_function(
        "n => document.querySelectorAll('#transcript .turn').length >= n", arg=count
    )


def last_speech(page):
    return page.locator(f"{TURNS} .speech").last.inner_text()


def test_owner_accepts_the_suggested_pack_and_hears_the_premium_tip(
    page, live_server, demo_store, settings
):
    settings.ISP_SANDBOX_BASE_URL = f"{live_server.url}/sandbox/monetization"
    seed_demo_isp(demo_store)
    errors = []
    page.on(
        "console",
        lambda msg: (
            errors.append(f"{msg.text} {msg.location.get('url')}")
            if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico")
            else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    admin_login(page, live_server, "owner")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/console/")
    page.select_option("#store", "no-nicks")
    page.uncheck("#speak")  # headless chromium has no voices
    assert page.locator("#isp-reset").is_visible()
    assert page.locator("#isp-off").is_hidden()

    page.click("#buttons button:text-is('Open the skill')")
    wait_for_turns(page, 1)
    for turn in range(2, 5):
        page.fill("#utterance", "give me a tip")
        page.press("#utterance", "Enter")
        wait_for_turns(page, turn)
        assert last_speech(page).endswith("Would you like another one?")

    page.fill("#utterance", "give me a tip")
    page.press("#utterance", "Enter")
    wait_for_turns(page, 5)
    offer = page.locator(TURNS).nth(4)
    assert offer.locator(".speech").inner_text() == (
        "Alexa offers the Pro Shaving Pack (Upsell): You've heard all the free ones for now. "
        "The Pro Shaving Pack: Ten advanced tips from professional barbers. "
        "Want to learn more about it?"
    )
    assert offer.locator(".purchase button").all_inner_texts() == [
        "Accept",
        "Decline",
        "Payment error",
    ]
    assert "purchase dialogue is waiting" in page.inner_text("#status")

    offer.locator(".purchase button:text-is('Accept')").click()
    wait_for_turns(page, 6)

    bought = page.locator(TURNS).nth(5)
    assert "ISP sandbox → Upsell Pro Shaving Pack: ACCEPTED" in bought.inner_text()
    assert last_speech(page) == (
        "Thanks for getting the Pro Shaving Pack. Here it is. Hold the blade at thirty degrees "
        "and let its weight work. Would you like another one?"
    )
    assert offer.locator(".purchase button").first.is_disabled()
    assert "Session open" in page.inner_text("#status")
    assert SandboxEntitlement.objects.get(product__reference_name="pro_pack").owned is True

    page.click("#isp-reset")
    page.wait_for_selector("#transcript .note")
    assert "Test purchases reset" in page.inner_text("#status")
    assert not SandboxEntitlement.objects.exists()
    assert errors == []
