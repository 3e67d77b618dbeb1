"""Part A's interface (``cards``), as contract-21 states it, for this branch's tests until the
cards branch is merged; ``conftest.py`` installs it only while ``cards.services`` does not
exist. The integrator deletes this module and the conftest's ``install_cards_standin`` call
once the real cards app is in the tree.

It holds no behaviour of its own: no card is ever saved here, so ``customer_cards`` is
empty and ``customer_stripe_forget`` has nothing to forget; ``order_pay_with_card`` is
replaced in every test that reaches it by the test double in ``test_checkout.py``.
"""

import sys
import types
from typing import Any


class CardDeclined(Exception):
    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class CardNeedsAuthentication(Exception):
    def __init__(self, finish_url: str) -> None:
        self.finish_url = finish_url
        super().__init__(finish_url)


class SavedCard:
    """An unsaved card's attributes, as the real model has them."""

    brand: str
    last4: str

    def __init__(self, *, store: Any, customer: Any, **fields: Any) -> None:
        self.store, self.customer = store, customer
        self.store_id, self.customer_id = store.pk, customer.pk
        self.is_default = False
        for name, value in fields.items():
            setattr(self, name, value)

    def describe(self) -> str:
        return f"{self.brand.title()} ending in {self.last4}"


def customer_cards(customer: Any) -> list[SavedCard]:
    return []


def customer_stripe_forget(*, customer: Any) -> None:
    return None


def order_pay_with_card(*, order: Any, card: Any, off_session: bool, actor_label: str) -> Any:
    raise AssertionError("a test that charges a card replaces order_pay_with_card")


def install_cards_standin() -> None:
    try:
        import cards.services  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        pass
    else:
        return
    import cards

    interface: dict[str, dict[str, Any]] = {
        "errors": {
            "CardDeclined": CardDeclined,
            "CardNeedsAuthentication": CardNeedsAuthentication,
        },
        "models": {"SavedCard": SavedCard},
        "selectors": {"customer_cards": customer_cards},
        "services": {
            "order_pay_with_card": order_pay_with_card,
            "customer_stripe_forget": customer_stripe_forget,
        },
    }
    for name, members in interface.items():
        module = types.ModuleType(f"cards.{name}")
        module.__dict__.update(members)
        sys.modules[module.__name__] = module
        setattr(cards, name, module)
