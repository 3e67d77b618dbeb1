"""A plain 403 (a colleague opening a page their role does not allow) is logged as one
warning line without a traceback; a 500 keeps its traceback."""

import logging
import sys

import pytest

from config.log_filters import PlainForbidden
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory

pytestmark = pytest.mark.django_db


def test_a_plain_403_is_one_line_without_a_traceback(client, caplog):
    store = StoreFactory()
    client.force_login(MembershipFactory(store=store, role=Role.SUPPORT_AGENT).user)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/dashboard/").status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert [(r.levelname, r.getMessage()) for r in records] == [
        ("WARNING", "Forbidden (Permission denied): /dashboard/")
    ]
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text


def test_other_errors_keep_their_traceback():
    try:
        raise ValueError("boom")
    except ValueError:
        exc_info = sys.exc_info()
    record = logging.LogRecord("django.request", logging.ERROR, "", 0, "x", (), exc_info)
    record.status_code = 500
    assert PlainForbidden().filter(record) is True
    assert record.exc_info is exc_info
