"""Twenty stock adjustments of one product through the API at the same moment: the row lock
serialises them, so every one counts and each has its audit row."""

import threading

import pytest
from django.db import connection, connections

from apikeys.tests.helpers import client_with, make_key
from catalog.models import StockAdjustment
from catalog.tests.factories import ProductFactory
from merchant.tests.factories import StoreFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("postgres_only")]


def test_twenty_concurrent_adjustments_all_count():
    assert connection.vendor == "postgresql"
    store = StoreFactory()
    product = ProductFactory(store=store, stock=100)
    key = make_key(store, "catalog:write")
    barrier = threading.Barrier(20)
    statuses: list[int] = []

    def worker(n):
        try:
            client = client_with(key)
            barrier.wait()
            response = client.post(
                f"/api/products/{product.pk}/stock-adjustments/",
                {"delta": 1, "reason": f"Delivery {n}"},
                format="json",
            )
            statuses.append(response.status_code)
        finally:
            connections.close_all()

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(20)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(60)
    assert statuses == [201] * 20
    product.refresh_from_db()
    assert product.stock == 120
    adjustments = StockAdjustment.objects.filter(product=product)
    assert adjustments.count() == 20
    # Each audit row holds the stock its own adjustment left: one each of 101 to 120.
    assert sorted(adjustments.values_list("stock_after", flat=True)) == list(range(101, 121))
