"""``python manage.py ucp_conformance_fixtures --store SLUG --out DIR``: make sure the store
has what the UCP conformance suite needs, and write the suite's ``conformance_input.json``
and ``test_fixtures.json`` for it into DIR.

What it seeds is the suite's flower-shop test data (its ``test_data/flower_shop`` CSVs):
products with prices and stock (one out of stock), the discount codes 10OFF, WELCOME20 and
FIXED500, shipping rates (standard everywhere, free from 100.00 and for the roses; express
for the US and elsewhere) and the known customers with their addresses. Run it again and
it puts the same values back (stock included). ``--create-store`` makes a plain USD store
without tax when the slug is new (for CI).
"""

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from catalog.models import Category, Product
from catalog.services import catalog_revision_bump
from discounts.models import Discount
from merchant.models import PaymentMode, Store
from orders.models import Customer
from ucp.models import ShippingRate
from ucp.protocol import VERSION

PRODUCTS = [  # sku, name, price, stock
    ("bouquet_roses", "Bouquet of Red Roses", "35.00", 1000),
    ("pot_ceramic", "Ceramic Pot", "15.00", 2000),
    ("bouquet_sunflowers", "Sunflower Bundle", "25.00", 500),
    ("bouquet_tulips", "Spring Tulips", "30.00", 1500),
    ("orchid_white", "White Orchid", "45.00", 800),
    ("gardenias", "Gardenias", "20.00", 0),
]
DISCOUNTS = [  # code, title, kind, value
    ("10OFF", "10% Off", "percentage", "10"),
    ("WELCOME20", "20% Off", "percentage", "20"),
    ("FIXED500", "$5.00 Off", "fixed", "5.00"),
]
RATES = [  # code, title, level, country, fee, free from, free skus, position
    ("std-ship", "Standard Shipping", "standard", "", "5.00", "100.00", ["bouquet_roses"], 1),
    ("exp-ship-us", "Express Shipping (US)", "express", "US", "15.00", None, [], 2),
    ("exp-ship-intl", "International Express", "express", "", "25.00", None, [], 3),
]
CUSTOMERS = [  # key, name, email, address
    ("john-1", "John Doe", "john.doe@example.com", ("123 Main St", "Springfield", "IL", "62704")),
    ("john-2", "John Doe", "john.doe@example.com", ("456 Oak Ave", "Metropolis", "NY", "10012")),
    (
        "jane-smith",
        "Jane Smith",
        "jane.smith@example.com",
        ("789 Pine Ln", "Smallville", "KS", "66002"),
    ),
    ("jane-doe", "Jane Doe", "jane.doe@example.com", None),
]


class Command(BaseCommand):
    help = "Seed a store for the UCP conformance suite and write its input files."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--store", required=True, help="The store's slug.")
        parser.add_argument("--out", required=True, help="Directory for the two JSON files.")
        parser.add_argument(
            "--create-store", action="store_true", help="Create the store if it is missing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        store = Store.objects.filter(slug=options["store"]).first()
        if store is None and not options["create_store"]:
            raise CommandError(f"No store {options['store']!r} (use --create-store).")
        with transaction.atomic():
            store = store or self._create_store(options["store"])
            self._seed(store)
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        (out / "conformance_input.json").write_text(json.dumps(conformance_input(store), indent=2))
        (out / "test_fixtures.json").write_text(json.dumps(test_fixtures(), indent=2))
        if store.tax_rate:
            self.stderr.write(
                f"Note: {store.slug} charges tax ({store.tax_rate}); the suite's "
                "fulfillment_test.test_fulfillment_flow expects totals without tax."
            )
        self.stdout.write(f"Seeded {store.slug}; wrote the suite's files to {out}.")

    @staticmethod
    def _create_store(slug: str) -> Store:
        return Store.objects.create(
            slug=slug,
            name="Conformance Flowers",
            invocation_name="conformance flowers",
            enabled_locales=["en-US"],
            currency="USD",
            payment_mode=PaymentMode.CHARGE_NOW,
            tax_rate=Decimal("0"),
            shipping_fee=Decimal("5.00"),
            free_shipping_threshold=Decimal("100.00"),
            support_email="help@example.com",
        )

    @staticmethod
    def _seed(store: Store) -> None:
        category, _ = Category.objects.get_or_create(
            store=store, name="Flowers", defaults={"spoken_name": "flowers"}
        )
        for sku, name, price, stock in PRODUCTS:
            Product.objects.update_or_create(
                store=store,
                sku=sku,
                defaults={
                    "category": category,
                    "name": name,
                    "spoken_description": name.lower(),
                    "price": Decimal(price),
                    "currency": store.currency,
                    "stock": stock,
                    "active": True,
                },
            )
        catalog_revision_bump(store_id=store.pk)
        for code, title, kind, value in DISCOUNTS:
            Discount.objects.update_or_create(
                store=store,
                code=code,
                defaults={
                    "title": title,
                    "kind": kind,
                    "value": Decimal(value),
                    "active": True,
                    "starts_at": None,
                    "ends_at": None,
                    "usage_limit": None,
                },
            )
        for code, title, level, country, fee, free_from, skus, position in RATES:
            ShippingRate.objects.update_or_create(
                store=store,
                code=code,
                country=country,
                defaults={
                    "title": title,
                    "service_level": level,
                    "fee": Decimal(fee),
                    "free_from_subtotal": Decimal(free_from) if free_from else None,
                    "free_for_skus": skus,
                    "position": position,
                    "active": True,
                },
            )
        for key, name, email, address in CUSTOMERS:
            stored = {}
            if address:
                street, city, region, postal = address
                stored = {
                    "name": name,
                    "addressLine1": street,
                    "city": city,
                    "stateOrRegion": region,
                    "postalCode": postal,
                    "countryCode": "US",
                }
            Customer.objects.update_or_create(
                store=store,
                alexa_user_id=f"ucp-fixture:{key}",
                defaults={"name": name, "email": email, "shipping_address": stored},
            )


def conformance_input(store: Store) -> dict[str, Any]:
    return {
        "ucp_version": VERSION,
        "required_capabilities": [
            "dev.ucp.shopping.checkout",
            "dev.ucp.shopping.order",
            "dev.ucp.shopping.discount",
            "dev.ucp.shopping.fulfillment",
            "dev.ucp.shopping.buyer_consent",
        ],
        "currency": store.currency,
        "allow_unreachable_urls": [
            f"ucp.dev/{VERSION}/schemas/mock_payment_handler/spec",
            f"ucp.dev/{VERSION}/services/shopping/rest.openapi.json",
        ],
        "items": [{"id": "bouquet_roses", "title": "Bouquet of Red Roses", "price": 3500}],
        "out_of_stock_item": {"id": "gardenias", "title": "Gardenias"},
        "non_existent_item": {"id": "pink_wumpus", "title": "Pink Wumpus"},
    }


def test_fixtures() -> dict[str, Any]:
    john = [
        {
            "street_address": street,
            "address_locality": city,
            "address_region": region,
            "postal_code": postal,
            "address_country": "US",
        }
        for key, _, _, address in CUSTOMERS
        if key.startswith("john") and address
        for street, city, region, postal in [address]
    ]
    return {
        "test_fixtures": {
            "valid_item": {"sku": "bouquet_roses", "expected_price": 35.0, "quantity": 1},
            "valid_discount_code": "10OFF",
            "expected_discount_percentage": 10.0,
            "valid_discount_code_2": "WELCOME20",
            "expected_discount_percentage_2": 20.0,
            "valid_fixed_discount_code": "FIXED500",
            "expected_fixed_discount_reduction": 5.0,
            "known_customer": {
                "full_name": "John Doe",
                "email": "john.doe@example.com",
                "addresses": john,
            },
            "known_customer_without_address": {
                "full_name": "Jane Doe",
                "email": "jane.doe@example.com",
            },
            "free_shipping_min_subtotal": 100.0,
            "free_shipping_item_sku": "bouquet_roses",
            "dynamic_fulfillment": {
                "domestic": {
                    "destination": {"address_country": "US", "postal_code": "62704"},
                    "expected_option_id": "exp-ship-us",
                },
                "international": {
                    "destination": {"address_country": "CA", "postal_code": "M5V 2H1"},
                    "expected_option_id": "exp-ship-intl",
                },
            },
        },
        "shipping_locations": {
            "domestic_destination": {
                "street": "123 Market St",
                "city": "San Francisco",
                "state": "CA",
                "postal_code": "94105",
                "country": "US",
            }
        },
    }
