"""The catalog's CSV export and import (catalog/csv_views.py, csv_resource.py): one store at a
time, a dry run with every row's changes and errors in words, the product page's rules."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from catalog.models import Product, ProductLocalization, ProductSynonym
from catalog.selectors import catalog_revision
from catalog.tests.factories import CategoryFactory, ProductFactory, SynonymFactory
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory

pytestmark = pytest.mark.django_db

IMPORT = "admin:catalog_product_import"
EXPORT = "admin:catalog_product_export"


@pytest.fixture
def shop():
    store = StoreFactory(name="Nonicks")
    category = CategoryFactory(store=store, name="Kits")
    product = ProductFactory(
        store=store, category=category, name="Kit", sku="KIT", price=Decimal("9.00")
    )
    SynonymFactory(product=product, value="razor")
    return store, product


@pytest.fixture
def owner(client, shop):
    member = MembershipFactory(store=shop[0], role=Role.OWNER)
    client.force_login(member.user)
    return member.user


def export_rows(client, store) -> list[dict]:
    response = client.get(reverse(EXPORT), {"store": store.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


def as_file(rows: list[dict], name="catalog.csv") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def dry_run(client, store, upload):
    return client.post(reverse(IMPORT), {"store": store.pk, "file": upload})


def test_export_holds_the_store_products_with_texts_synonyms_price_and_stock(client, shop, owner):
    store, product = shop
    ProductLocalization.objects.create(
        store=store,
        product=product,
        locale="de-DE",
        spoken_name="Set",
        spoken_description="ein Set",
    )
    other = ProductFactory(name="Theirs")  # another store's product
    rows = export_rows(client, store)
    assert [row["sku"] for row in rows] == ["KIT"]
    row = rows[0]
    assert row["id"] == str(product.pk)
    assert row["name"] == "Kit"
    assert row["category"] == "Kits"
    assert row["price"] == "9.00"
    assert row["stock"] == "100"
    assert row["synonyms"] == "razor"
    assert row["spoken_name:de-DE"] == "Set"
    assert row["spoken_description:de-DE"] == "ein Set"
    assert other.name not in str(rows)


def test_export_of_another_store_is_refused(client, shop, owner):
    theirs = StoreFactory()
    ProductFactory(store=theirs, name="Secret")
    response = client.get(reverse(EXPORT), {"store": theirs.pk})
    assert response.status_code == 400
    assert "Choose one of your stores." in response.content.decode()
    assert b"Secret" not in response.content


def test_dry_run_lists_changes_and_saves_nothing_then_confirm_saves(client, shop, owner):
    store, product = shop
    rows = export_rows(client, store)
    rows[0]["price"] = "12.50"
    rows[0]["synonyms"] = "razor; shave kit"
    rows[0]["spoken_name:de-DE"] = "Rasierset"
    new = dict(rows[0], id="", sku="BLADES", name="Blades", price="4.00", synonyms="blades")
    new["spoken_name:de-DE"] = ""
    rows.append(new)
    before = catalog_revision(store_id=store.pk)

    response = dry_run(client, store, as_file(rows))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Dry run: nothing is saved yet" in page
    assert "2 rows:\n      1 new, 1 changed, 0 unchanged,\n      0 refused." in page
    assert "<dt>price</dt><dd><del>9.00</del> → <ins>12.50</ins></dd>" in page
    assert "<dt>synonyms</dt><dd><del>razor</del> → <ins>razor; shave kit</ins></dd>" in page
    assert "<dt>spoken_name:de-DE</dt><dd><del>(empty)</del> → <ins>Rasierset</ins></dd>" in page
    product.refresh_from_db()
    assert product.price == Decimal("9.00")
    assert not Product.objects.filter(sku="BLADES").exists()
    assert list(ProductSynonym.objects.filter(store=store).values_list("value", flat=True)) == [
        "razor"
    ]
    assert catalog_revision(store_id=store.pk) == before

    text = response.context["form"].initial["csv_text"]
    response = client.post(
        reverse(IMPORT), {"store": store.pk, "csv_text": text, "confirm": "Save these changes"}
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.price == Decimal("12.50")
    assert sorted(product.synonyms.values_list("value", flat=True)) == ["razor", "shave kit"]
    assert product.localizations.get().spoken_name == "Rasierset"
    blades = Product.objects.get(store=store, sku="BLADES")
    assert (blades.price, blades.category.name) == (Decimal("4.00"), "Kits")
    assert list(blades.synonyms.values_list("value", "store_id")) == [("blades", store.pk)]
    assert catalog_revision(store_id=store.pk) > before  # the skill package has changed
    assert LogEntry.objects.filter(change_message="Changed by a CSV import.").count() == 2


@pytest.mark.parametrize(
    "content, words",
    [
        (b"", "The submitted file is empty."),
        (b"\x89PNG\r\n\x1a\n\x00\x00binary", "The file is not UTF-8 text"),
        (b"sku,name\nKIT,Kit\n", "The file has no “category”, “price” column"),
        (b"sku,name,category,price,colour\nKIT,Kit,Kits,9.00,red\n", "Unknown column(s) “colour”"),
    ],
)
def test_malformed_file_is_refused_in_words(client, shop, owner, content, words):
    store, product = shop
    before = catalog_revision(store_id=store.pk)
    response = dry_run(client, store, SimpleUploadedFile("c.csv", content))
    assert response.status_code == 400
    assert words in response.content.decode()
    if content:  # an empty upload is refused by the form itself
        assert "Nothing was saved" in response.content.decode()
    product.refresh_from_db()
    assert product.price == Decimal("9.00")
    assert catalog_revision(store_id=store.pk) == before


def test_rule_breach_is_an_error_in_words_and_nothing_is_saved(client, shop, owner):
    store, product = shop
    rows = export_rows(client, store)
    rows[0]["price"] = "11.00"  # a valid change in the same file is not saved either
    long_row = dict(rows[0], id="", sku="LONG", name="Long", synonyms="")
    long_row["spoken_description"] = " ".join(["word"] * 30)
    emoji = dict(rows[0], id="", sku="SMILE", name="Smile", synonyms="", price="0")
    emoji["spoken_description"] = "a happy kit 😀"
    rows += [long_row, emoji]
    upload = as_file(rows)

    response = dry_run(client, store, upload)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was saved: the file needs changes" in page
    assert "active: The pitch does not fit one breath (en-US: " in page
    assert "spoken_description: Alexa cannot say “😀” (grinning face)." in page
    assert "price: The price must be above zero" in page
    assert 'name="confirm"' not in page  # no way to save a refused file

    # Posting the checked text as if confirmed saves nothing either.
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    response = client.post(
        reverse(IMPORT), {"store": store.pk, "csv_text": out.getvalue(), "confirm": "1"}
    )
    assert response.status_code == 400
    product.refresh_from_db()
    assert product.price == Decimal("9.00")
    assert set(Product.objects.filter(store=store).values_list("sku", flat=True)) == {"KIT"}


def test_an_id_of_another_store_is_refused(client, shop, owner):
    store, product = shop
    theirs = ProductFactory(name="Theirs", price=Decimal("5.00"))
    rows = export_rows(client, store)
    rows[0].update(id=str(theirs.pk), sku=theirs.sku, price="1.00")
    response = client.post(
        reverse(IMPORT),
        {"store": store.pk, "csv_text": as_file(rows).read().decode(), "confirm": "1"},
    )
    assert response.status_code == 400
    assert (
        f"id: Nonicks has no product with id {theirs.pk}: a file changes only the chosen "
        "store&#x27;s products." in response.content.decode()
    )
    theirs.refresh_from_db()
    assert (theirs.price, theirs.store_id) == (Decimal("5.00"), theirs.store.pk)
    assert not Product.objects.filter(store=store, sku=theirs.sku).exists()


def test_importing_into_another_store_is_refused(client, shop, owner):
    store, product = shop
    theirs = StoreFactory()
    rows = export_rows(client, store)
    rows[0]["id"] = ""
    response = dry_run(client, theirs, as_file(rows))
    assert response.status_code == 400
    assert "Choose one of your stores." in response.content.decode()
    assert not Product.objects.filter(store=theirs).exists()


def test_category_of_another_store_and_bad_values_are_refused(client, shop, owner):
    store, product = shop
    CategoryFactory(name="Their shelf")  # another store's
    rows = export_rows(client, store)
    rows[0].update(category="Their shelf", active="maybe", stock="-3")
    response = dry_run(client, store, as_file(rows))
    page = response.content.decode()
    assert response.status_code == 400
    assert "category: Nonicks has no category “Their shelf”: use one of Kits." in page
    assert "active: “maybe” is not yes or no." in page
    assert "stock: Ensure this value is greater than or equal to 0." in page


@pytest.mark.parametrize("role", [Role.SUPPORT_AGENT])
def test_support_is_refused_the_csv_pages(client, shop, role):
    store, product = shop
    member = MembershipFactory(store=store, role=role)
    client.force_login(member.user)
    assert client.get(reverse(IMPORT)).status_code == 403
    assert client.get(reverse(EXPORT), {"store": store.pk}).status_code == 403
    response = dry_run(client, store, SimpleUploadedFile("c.csv", b"sku,name,category,price\n"))
    assert response.status_code == 403
    product.refresh_from_db()
    assert product.price == Decimal("9.00")


def test_catalog_editor_imports(client, shop):
    store, product = shop
    member = MembershipFactory(store=store, role=Role.CATALOG_EDITOR)
    client.force_login(member.user)
    rows = export_rows(client, store)
    rows[0]["stock"] = "7"
    text = as_file(rows).read().decode()
    response = client.post(reverse(IMPORT), {"store": store.pk, "csv_text": text, "confirm": "1"})
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.stock == 7
