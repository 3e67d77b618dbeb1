"""Fixtures for the voice tooling's tests: the skill's own (its tests drive the same runtime),
and a console that starts every test with no cached matcher."""

import pytest

from skill.tests.conftest import (  # noqa: F401  (fixtures, found by name)
    _alexa_api_server,
    _fresh_process_state,
    _no_alexa_apis,
    alexa_api,
    isp_store,
    make_shopper,
    shopper,
    unverified,
)
from voicelab.console import views as console_views


@pytest.fixture(autouse=True)
def _fresh_console_matchers():
    """No console matcher built by an earlier test (they are cached per process)."""
    console_views._matchers.clear()
    yield
    console_views._matchers.clear()
