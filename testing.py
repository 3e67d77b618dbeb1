"""Helpers shared by every app's tests (fixtures stay in conftest.py files).

A real component that is missing skips a test locally and fails it in CI (``CI=true``);
the browser tests drive Debian's chromium through Playwright.
"""

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def require(condition: bool, reason: str):
    """Skip locally when a real component is missing; in CI a missing component fails."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must run this test: {reason}")
    pytest.skip(reason)


def admin_login(page, live_server, username, password="nonicks-demo", next_path=""):
    """Log in on the portal's login page (``next_path``: where to go next, e.g. "/support/")."""
    query = f"?next={next_path}" if next_path else ""
    page.goto(f"{live_server.url}/admin/login/{query}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")


def record_console_errors(page, errors: list[str]) -> None:
    """Append to ``errors`` every console error and uncaught exception of the pages ``page``
    opens (a missing resource, the favicon included, is an error too)."""
    page.on(
        "console",
        lambda msg: (
            errors.append(f"{msg.text} {msg.location.get('url')}") if msg.type == "error" else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
