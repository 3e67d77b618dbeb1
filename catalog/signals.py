"""Signals the catalog sends for changes that are not a model save (bulk updates)."""

from django.dispatch import Signal

# Sent after commit with ``store_id`` when products changed in bulk (``QuerySet.update``),
# which sends no ``post_save``: readers that cache the catalog forget it.
catalog_changed = Signal()
