"""Fixtures shared by every app's tests (helpers live in ``testing.py``)."""

import os

import pytest
from celery._state import _set_task_join_will_block  # type: ignore[attr-defined]  # private
from django.db import connection
from django.http import HttpRequest
from django.test import Client

from testing import CHROMIUM, CHROMIUM_ARGS, record_console_errors, require

# The session fixture ``localstripe`` (the embedded fake Stripe), for every app's tests.
pytest_plugins = ["cards.testing"]


@pytest.fixture
def postgres_only(db):
    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def demo_store(db):
    from demo.seed import seed_demo_store  # after Django's setup: the seed imports models

    return seed_demo_store().store


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium driven by Playwright (sync API)."""
    require(os.path.exists(CHROMIUM), f"browser tests need Debian's chromium at {CHROMIUM}")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context()
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def new_page(chromium):
    """More pages, each in its own browser context (an owner's and a colleague's sessions);
    keyword arguments go to ``new_context`` (e.g. ``viewport``)."""
    contexts = []

    def make(**context_options):
        context = chromium.new_context(**context_options)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield make
    for context in contexts:
        context.close()


class ConsoleErrors(list):
    """Console errors and uncaught exceptions of the pages a test watches."""

    def watch(self, page):
        record_console_errors(page, self)
        return page


@pytest.fixture
def console_errors(page):
    """Watches ``page`` (and any page given to ``console_errors.watch``): the test fails when
    one of the pages it visited logged a console error or threw an uncaught exception."""
    errors = ConsoleErrors()
    errors.watch(page)
    yield errors
    assert errors == [], "console errors or uncaught exceptions on the pages visited"


@pytest.fixture(autouse=True)
def _eager_results_may_be_joined():
    """Celery's eager ``apply_async`` marks "joining a result would block" in one
    process-wide flag and puts the old value back afterwards; two threads doing it at once
    (the live server's request threads in the browser tests) can leave it set, and every
    later ``EagerResult.get()`` in the process then raises "Never call result.get() within a
    task". Each test starts with the flag as a fresh process has it."""
    _set_task_join_will_block(False)


@pytest.fixture(autouse=True)
def _login_throttling_sees_test_client_logins(monkeypatch):
    """django-axes counts logins per request, and Django's ``Client.login`` authenticates
    without one: give it a request (from 127.0.0.1), as axes' documentation advises, so
    login throttling stays on in every test."""
    original = Client.login

    def login(self, **credentials):
        if "request" not in credentials:
            request = HttpRequest()
            request.META["REMOTE_ADDR"] = "127.0.0.1"
            credentials["request"] = request
        return original(self, **credentials)

    monkeypatch.setattr(Client, "login", login)
