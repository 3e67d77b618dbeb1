"""The OpenAPI schema (/api/schema/): every operation has a human name and summary, the title
reads as a name, and the stores' API keys are a documented way in."""

import pytest
import yaml

pytestmark = pytest.mark.django_db

OPERATIONS = {
    ("get", "/api/analytics/summary/"): (
        "getAnalyticsSummary",
        "Get a store's metrics over a range of days",
    ),
    ("get", "/api/analytics/timeseries/"): (
        "getAnalyticsTimeseries",
        "Get one metric of a store, day by day",
    ),
    ("get", "/api/categories/"): ("listCategories", "List categories"),
    ("post", "/api/categories/"): ("createCategory", "Create a category"),
    ("get", "/api/categories/{id}/"): ("getCategory", "Get a category"),
    ("put", "/api/categories/{id}/"): ("replaceCategory", "Replace a category"),
    ("patch", "/api/categories/{id}/"): ("updateCategory", "Change some fields of a category"),
    ("get", "/api/orders/"): ("listOrders", "List orders"),
    ("get", "/api/orders/{id}/"): ("getOrder", "Get an order"),
    ("post", "/api/orders/{id}/cancel/"): ("cancelOrder", "Cancel an order"),
    ("post", "/api/orders/{id}/capture/"): ("captureOrderPayment", "Capture an order's payment"),
    ("post", "/api/orders/{id}/deliver/"): ("markOrderDelivered", "Mark an order delivered"),
    ("post", "/api/orders/{id}/notes/"): ("addOrderNote", "Add a note to an order"),
    ("post", "/api/orders/{id}/refund/"): ("refundOrder", "Refund an order"),
    ("post", "/api/orders/{id}/ship/"): ("shipOrder", "Ship an order"),
    ("get", "/api/products/"): ("listProducts", "List products"),
    ("post", "/api/products/"): ("createProduct", "Create a product"),
    ("get", "/api/products/{id}/"): ("getProduct", "Get a product"),
    ("put", "/api/products/{id}/"): ("replaceProduct", "Replace a product"),
    ("patch", "/api/products/{id}/"): ("updateProduct", "Change some fields of a product"),
    ("post", "/api/products/{product_pk}/stock-adjustments/"): (
        "adjustProductStock",
        "Add or take units of a product's stock",
    ),
}


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_every_operation_has_a_human_name_and_summary(schema):
    found = {
        (method, path): (operation["operationId"], operation.get("summary"))
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    }
    assert found == OPERATIONS


def test_the_title_reads_as_a_name(schema):
    assert schema["info"]["title"] == "Voice store portal API"
    assert schema["info"]["version"] == "v1"


def test_api_keys_are_a_documented_way_in(schema):
    assert schema["components"]["securitySchemes"]["apiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "A store's API key, made on the portal's API keys page.",
    }
    products = schema["paths"]["/api/products/"]["get"]
    assert {"apiKey": []} in products["security"]
    assert "store" in [p["name"] for p in products["parameters"]]
