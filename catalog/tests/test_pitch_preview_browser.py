"""In a real browser: the product page's pitch preview follows what the owner types (words,
seconds, verdict, missing translation), says what the server then says on saving, and the
page logs no console error (the script is a static file under the CSP)."""

import pytest

from catalog.models import Product
from testing import admin_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def numbers(page, locale):
    return page.inner_text(f"#pitch-preview .pitch[data-locale='{locale}'] .pitch-numbers")


def test_the_preview_follows_typing_and_agrees_with_the_save(page, live_server, demo_store):
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
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    admin_login(page, live_server, "owner")
    page.wait_for_url(f"{live_server.url}/admin/")
    page.goto(f"{live_server.url}/admin/catalog/product/{kit.pk}/change/")
    en = "#pitch-preview .pitch[data-locale='en-US']"
    assert numbers(page, "en-US") == (
        "16 words, about 6.4 s at 150 words a minute: fits in one breath."
    )

    page.fill("#id_spoken_description", kit.spoken_description + " and a free travel pouch")
    assert numbers(page, "en-US") == (
        "21 words, about 8.4 s at 150 words a minute: too long for one breath: shorten the "
        "spoken description."
    )
    assert "too-long" in page.get_attribute(en, "class")
    assert page.inner_text(f"{en} .pitch-text").endswith(
        "menthol shaving cream and a free travel pouch, for 9 dollars. Do you want to order it?"
    )
    assert numbers(page, "en-GB").startswith("21 words, about 8.4 s")  # the same English text
    assert numbers(page, "de-DE").startswith("13 words, about 5.2 s")  # its own translation

    page.fill("#id_price", "9.99")
    assert numbers(page, "en-US").startswith("24 words, about 9.6 s")
    assert numbers(page, "en-GB").startswith("22 words, about 8.8 s")  # "9 dollars 99"
    assert page.inner_text(f"{en} .pitch-text").endswith(
        "for 9 dollars and 99 cents. Do you want to order it?"
    )

    # Without its German description the de-DE pitch falls back to the English one, and says so.
    page.fill("textarea[name='localizations-0-spoken_description']", "")
    de_missing = "#pitch-preview .pitch[data-locale='de-DE'] .pitch-missing"
    assert page.is_visible(de_missing)
    assert page.inner_text(de_missing) == (
        "de-DE: no German spoken description, so Alexa says the English one."
    )
    assert numbers(page, "de-DE").startswith("20 words, about 8.0 s")

    page.click("input[name=_save]")
    page.wait_for_selector(".errornote")
    error = page.inner_text(".field-active .errorlist")
    assert error.startswith(
        "The pitch does not fit one breath (en-US: 24 words, about 9.6 s; en-GB: 22 words, "
        "about 8.8 s; the limit is 8 s"
    )
    # The page sent back shows what was typed; its preview follows it, translation included.
    assert numbers(page, "en-US").startswith("24 words, about 9.6 s")
    assert numbers(page, "de-DE").startswith("20 words, about 8.0 s")
    kit.refresh_from_db()
    assert kit.spoken_description.endswith("menthol shaving cream")
    assert errors == []
