"""Signals the catalog sends for changes that are not a model save (bulk updates)."""

from django.dispatch import Signal

# Sent after commit with ``store_id`` when products changed in bulk (``QuerySet.update``),
# which sends no ``post_save``: readers that cache the catalog forget it.
catalog_changed = Signal()

# Sent in the change's transaction with ``product`` (saved, with its texts and synonyms) when
# a product was saved on its admin page or through the catalog API.
product_updated = Signal()

# Sent in the change's transaction with ``product``, ``stock`` and ``threshold`` when the
# product's stock falls to or below its low-stock threshold from above it (once per fall).
stock_low = Signal()
