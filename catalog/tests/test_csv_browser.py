"""In a real browser: the demo owner checks a catalog CSV in a dry run (every row's changes
and errors in words, at 1280 and 390 px without sideways scrolling), then saves it."""

from decimal import Decimal

import pytest
import tablib

from catalog.csv_resource import ProductResource
from catalog.models import Product
from testing import admin_login, record_console_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def catalog_file(store, **kit_changes) -> bytes:
    dataset = ProductResource(store=store).export()
    sku = dataset.headers.index("sku")
    rows = []
    for row in dataset:
        row = list(row)
        if row[sku] == "NN-KIT":
            for column, value in kit_changes.items():
                row[dataset.headers.index(column)] = value
        rows.append(row)
    changed = tablib.Dataset(*rows, headers=dataset.headers)
    return changed.export("csv").encode("utf-8")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_owner_checks_a_file_in_a_dry_run_then_saves_it(page, live_server, demo_store, viewport):
    errors: list[str] = []
    record_console_errors(page, errors)
    page.set_viewport_size(viewport)
    admin_login(page, live_server, "owner")
    page.wait_for_selector("#portal-links")
    page.goto(f"{live_server.url}/admin/catalog/product/")
    page.click("a.csv-import-link")

    refused = catalog_file(demo_store, price="0", spoken_description="a kit 😀")
    page.set_input_files("#id_file", {"name": "c.csv", "mimeType": "text/csv", "buffer": refused})
    page.click("#import-form input[type=submit]")
    page.wait_for_selector("#dry-run")
    row = page.locator(".import-row.refused")
    assert row.count() == 1
    assert "price: The price must be above zero" in row.inner_text()
    assert "Alexa cannot say “😀” (grinning face)" in row.inner_text()
    assert page.locator("input[name=confirm]").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]

    page.set_input_files(
        "#id_file",
        {
            "name": "c.csv",
            "mimeType": "text/csv",
            "buffer": catalog_file(demo_store, price="10.00", stock="40"),
        },
    )
    page.click("#import-form input[type=submit]")
    page.wait_for_selector("#dry-run")
    assert "Dry run: nothing is saved yet" in page.inner_text("#dry-run")
    changed = page.locator(".import-row.changed")
    assert changed.count() == 1
    assert "price\n9.00 → 10.00" in changed.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    if viewport is PHONE:
        page.screenshot(path="docs/screenshots/12-catalog-csv-dry-run.png", full_page=True)
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    assert kit.price == Decimal("9.00")

    page.click("input[name=confirm]")
    page.wait_for_url(f"{live_server.url}/admin/catalog/product/?store__id__exact={demo_store.pk}")
    assert "Imported into" in page.inner_text(".messagelist")
    kit.refresh_from_db()
    assert (kit.price, kit.stock) == (Decimal("10.00"), 40)
    # The refused file's page answers 400 (bad input); nothing else logged an error.
    assert [e for e in errors if "status of 400" not in e] == []
    assert len(errors) == 1
