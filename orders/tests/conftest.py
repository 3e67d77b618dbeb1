"""Fixtures for the back-office tests: stores in each payment mode. The helpers that make
customers and placed orders are in ``orders/tests/helpers.py``."""

import pytest

from merchant.models import PaymentMode
from merchant.tests.factories import StoreFactory


@pytest.fixture
def charge_now_store(db):
    return StoreFactory(payment_mode=PaymentMode.CHARGE_NOW)


@pytest.fixture
def charge_later_store(db):
    return StoreFactory(payment_mode=PaymentMode.CHARGE_LATER)


@pytest.fixture
def pod_store(db):
    return StoreFactory(payment_mode=PaymentMode.PAY_ON_DELIVERY)
