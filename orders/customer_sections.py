"""Sections that apps above orders add to the support console's customer page.

The customer page lives here, but what a customer has in the apps above (a web account,
saved cards, addresses, a linked Alexa account) is theirs to read, and orders never imports
them. Each such app registers a function in its ``AppConfig.ready()``; the page calls every
registered function with the customer and shows each section it returns (``None``: nothing to
show). A section is words only: a title and label/value rows, rendered escaped.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from .models import Customer


@dataclass(frozen=True)
class CustomerSection:
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    empty: str = "None."
    order: int = 50  # lower first


SectionFunction = Callable[[Customer], CustomerSection | None]
_REGISTERED: list[SectionFunction] = []


def register_customer_section(function: SectionFunction) -> SectionFunction:
    """Add ``function`` to the customer page (idempotent; usable as a decorator)."""
    if function not in _REGISTERED:
        _REGISTERED.append(function)
    return function


def customer_sections(customer: Customer) -> list[CustomerSection]:
    sections = [section for function in _REGISTERED if (section := function(customer))]
    return sorted(sections, key=lambda section: (section.order, section.title))
