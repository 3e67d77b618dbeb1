"""Short-lived caches for the skill's hot path, one per worker process.

A value is kept ``ALEXA_STORE_CACHE_SECONDS`` (``0``: never kept). The signal handlers
connected in ``skill.apps`` clear a cache at once when this process changes what it holds;
the other processes see the change once those seconds pass.
"""

from collections.abc import Callable, Hashable
from time import monotonic
from typing import Generic, TypeVar

from django.conf import settings

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class ProcessCache(Generic[K, V]):
    def __init__(self, max_entries: int = 1000):
        self.max_entries = max_entries
        self._entries: dict[K, tuple[float, V]] = {}  # key -> (kept until, value)

    def get_or_load(self, key: K, load: Callable[[], V]) -> V:
        """The kept value for ``key``, or ``load()`` (kept unless it is ``None``)."""
        now = monotonic()
        kept = self._entries.get(key)
        if kept is not None and kept[0] > now:
            return kept[1]
        value = load()
        ttl = settings.ALEXA_STORE_CACHE_SECONDS
        if ttl > 0 and value is not None:
            if len(self._entries) >= self.max_entries:
                self._entries.clear()
            self._entries[key] = (now + ttl, value)
        return value

    def keys(self) -> set[K]:
        return set(self._entries)

    def clear(self) -> None:
        self._entries.clear()
