"""In a real browser: the demo owner edits the catalog; support is refused it."""

from decimal import Decimal

import pytest

from catalog.models import Product
from testing import admin_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_owner_edits_price_and_synonyms_and_sees_the_change(page, live_server, demo_store):
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    admin_login(page, live_server, "owner")
    page.goto(f"{live_server.url}/admin/catalog/product/{kit.pk}/change/")
    assert "The starter kit: a weighted razor handle" in page.content()
    page.fill("#id_price", "10.00")  # "10 dollars": the pitch stays at 16 words
    page.locator("#synonyms-group input[name$='-value']:visible").first.fill("razor set")
    page.locator("#synonyms-group input[name$='-value']:visible").last.fill("shave starter")
    page.click("input[name=_save]")
    page.wait_for_url(f"{live_server.url}/admin/catalog/product/")
    assert "was changed successfully" in page.content()
    assert page.locator("#result_list input[name$='-price'][value='10.00']").count() == 1

    kit.refresh_from_db()
    assert kit.price == Decimal("10.00")
    synonyms = set(kit.synonyms.values_list("value", flat=True))
    assert {"razor set", "shave starter"} <= synonyms
    assert "starter kit" not in synonyms  # the first synonym was renamed
    page.goto(f"{live_server.url}/admin/catalog/product/{kit.pk}/change/")
    assert "for 10 dollars. Do you want to order it?" in page.content()


def test_support_agent_is_refused_the_catalog(page, live_server, demo_store):
    admin_login(page, live_server, "support")
    page.wait_for_url(f"{live_server.url}/admin/")
    assert "Catalog" not in page.inner_text("#content-main")
    response = page.goto(f"{live_server.url}/admin/catalog/product/")
    assert response.status == 403
    assert Product.objects.get(store=demo_store, sku="NN-KIT").price == Decimal("9.00")
