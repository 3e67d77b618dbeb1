"""The catalog's webhooks: product.updated after a change (API or admin) and stock.low once
each time the stock falls to the product's threshold, for the product's own store."""

from decimal import Decimal

import pytest

from apikeys.tests.helpers import client_with, make_key
from catalog.tests.factories import ProductFactory
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders.tests.helpers import place_order
from webhooks.models import WebhookEvent
from webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    return StoreFactory(slug="alpha")


@pytest.fixture
def product(store):
    WebhookEndpointFactory(store=store, events=["product.updated", "stock.low"])
    WebhookEndpointFactory(events=["product.updated", "stock.low"])  # another store's
    return ProductFactory(
        store=store, name="Classic Razor", stock=10, low_stock_threshold=5, price=Decimal("19")
    )


def events(type_):
    return list(WebhookEvent.objects.filter(type=type_).order_by("pk"))


def test_a_change_through_the_api_sends_product_updated(store, product):
    client = client_with(make_key(store, "catalog:read", "catalog:write"))
    response = client.patch(f"/api/products/{product.pk}/", {"price": "21.00"}, format="json")
    assert response.status_code == 200
    [event] = events("product.updated")
    assert event.store == store
    assert event.payload["type"] == "product.updated"
    assert event.payload["data"] == {"product": client.get(f"/api/products/{product.pk}/").json()}
    assert event.payload["data"]["product"]["price"] == "21.00"
    assert event.deliveries.count() == 1  # this store's endpoint only


def test_a_refused_change_sends_nothing(store, product):
    client = client_with(make_key(store, "catalog:write"))
    response = client.patch(f"/api/products/{product.pk}/", {"price": "0"}, format="json")
    assert response.status_code == 400
    assert WebhookEvent.objects.count() == 0


def test_an_admin_edit_sends_product_updated(client, store, product):
    owner = MembershipFactory(store=store, role=Role.OWNER).user
    client.force_login(owner)
    page = f"/admin/catalog/product/{product.pk}/change/"
    form = client.get(page).context["adminform"].form
    data = {
        key: ("" if value is None else value)
        for key, value in form.initial.items()
        if key in form.fields
    }
    for formset in client.get(page).context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name, field in management.fields.items():
            data[f"{management.prefix}-{name}"] = management.initial.get(name, field.initial)
    data.update({"name": "Classic Razor Two", "category": product.category_id})
    data["store"] = store.pk
    data.pop("best_seller", None)
    data.pop("repeat_purchase", None)
    data["active"] = "on"
    response = client.post(page, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    [event] = events("product.updated")
    assert event.payload["data"]["product"]["name"] == "Classic Razor Two"


def test_stock_low_is_sent_once_per_fall_to_the_threshold(store, product):
    client = client_with(make_key(store, "catalog:write"))
    url = f"/api/products/{product.pk}/stock-adjustments/"

    def adjust(delta):
        response = client.post(url, {"delta": delta, "reason": "Count"}, format="json")
        assert response.status_code == 201
        return len(events("stock.low"))

    assert adjust(-3) == 0  # 7: above the threshold
    assert adjust(-2) == 1  # 5: at the threshold
    assert adjust(-1) == 1  # 4: still low, no second event
    assert adjust(+10) == 1  # 14: above again
    assert adjust(-10) == 2  # 4: a new fall
    first, second = events("stock.low")
    assert (first.payload["data"]["stock"], first.payload["data"]["threshold"]) == (5, 5)
    assert first.payload["data"]["product"]["id"] == product.pk
    assert second.payload["data"]["stock"] == 4
    assert WebhookEvent.objects.filter(type="product.updated").count() == 0


def test_an_order_that_empties_the_shelf_sends_stock_low(store, product):
    place_order(store, product=product, quantity=4)  # 6: above
    assert events("stock.low") == []
    place_order(store, product=product, quantity=2)  # 4: low
    [event] = events("stock.low")
    assert (event.payload["data"]["stock"], event.payload["data"]["threshold"]) == (4, 5)


def test_no_threshold_means_no_stock_low(store, product):
    product.low_stock_threshold = None
    product.save()
    place_order(store, product=product, quantity=9)
    assert events("stock.low") == []
