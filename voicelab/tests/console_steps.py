"""Browser steps on the voice test console (/console/, Playwright), shared by the tests that
talk to a store through it: say something, press one of its buttons, read Alexa's last words."""


def say(page, text):
    """Type ``text`` as the shopper and wait for the turn it makes."""
    turns = page.locator("#transcript .turn").count()
    page.fill("#utterance", text)
    page.press("#utterance", "Enter")
    page.wait_for_function(
        "n => document.querySelectorAll('#transcript .turn').length > n", arg=turns
    )


def press(page, label, expect_turns):
    """Press the console's button ``label`` and wait for ``expect_turns`` turns (a directive
    and the sandbox's answer make two)."""
    turns = page.locator("#transcript .turn").count()
    page.click(f"#buttons button:text-is('{label}')")
    page.wait_for_function(
        "n => document.querySelectorAll('#transcript .turn').length >= n",
        arg=turns + expect_turns,
    )


def last_speech(page):
    return page.locator("#transcript .turn .speech").last.inner_text()
