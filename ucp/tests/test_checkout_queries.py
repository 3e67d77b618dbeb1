"""The SQL of each checkout call is fixed (``bench/ucp.py`` measures the same calls under
load): the cart is locked and priced once per call for the lines and once for everything
else, the shipping rates and the lines are read once per request, whatever the catalog's
size."""

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Category, Product
from ucp.tests.conftest import paid, roses, shipping_to

pytestmark = pytest.mark.django_db

# Inside the test's transaction: savepoints stand for BEGIN and COMMIT.
CREATE, UPDATE, COMPLETE = 29, 22, 48


def _grow(store, count):
    category = Category.objects.filter(store=store).first()
    Product.objects.bulk_create(
        Product(
            store=store,
            category=category,
            name=f"Bench product {n}",
            sku=f"bench_{n}",
            spoken_description="a bench product",
            card_description="A bench product.",
            price=Decimal("12.00"),
            currency=store.currency,
        )
        for n in range(count)
    )


def _counted(call):
    with CaptureQueriesContext(connection) as captured:
        response = call()
    assert response.status_code in (200, 201), response.content[:300]
    return response.json(), len(captured)


def test_create_update_and_complete_cost_the_same_queries_at_any_catalog_size(agent, flowers):
    counts = []
    # The first checkout fetches (and caches) the platform's profile and makes the store's
    # signing key; the next ones are measured.
    for grow in (0, 0, 500):
        _grow(flowers, grow)
        created, create = _counted(
            lambda: agent.post("/checkout-sessions", {**roses(), "fulfillment": shipping_to()})
        )
        path = f"/checkout-sessions/{created['id']}"
        body = {**roses(2), "fulfillment": shipping_to(option="std-ship")}
        _, update = _counted(lambda p=path, b=body: agent.put(p, b))
        done, complete = _counted(
            lambda p=path: agent.post(f"{p}/complete", paid(), key=uuid.uuid4().hex)
        )
        assert done["status"] == "completed"
        counts.append((create, update, complete))
    assert counts[1:] == [(CREATE, UPDATE, COMPLETE)] * 2
