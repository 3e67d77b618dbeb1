"""Who the voice test console plays: a new, made-up shopper (the default) or one of the
store's shopper accounts, linked as if the shopper had just linked it in the Alexa app.

A linked console shopper is the account's customer on Alexa: the customer's Alexa user id
when the account was already linked on a real Echo, otherwise a fixed console id for the
account, which the skill attaches to the account's customer on first sight (as it does for a
real shopper's first linked request). Every request carries the access token
``linking.services.sandbox_link_issue`` issues, which refuses a live store with a worded
``LinkingError``: no one at a live store plays one of its shoppers.
"""

from django.http import Http404

from linking.services import sandbox_link_issue
from merchant.models import Store
from shoppers.models import ShopperAccount
from skill.testing.envelopes import ConsoleShopper

ACCOUNTS_SHOWN = 20
# Customer ids that are not an Alexa user id: a web account not linked yet, an erased one.
NOT_ALEXA_IDS = ("web:", "erased:")
NEW_SHOPPER = "a new shopper"


def console_accounts(store: Store) -> list[ShopperAccount]:
    """The store's newest shopper accounts, the console's "Play as" choices."""
    return list(
        ShopperAccount.objects.filter(store=store).order_by("-created_at", "-pk")[:ACCOUNTS_SHOWN]
    )


def account_choices(store: Store) -> list[dict]:
    """The "Play as" choices for the page: each account's id and its name and email."""
    return [{"id": a.pk, "label": account_label(a.name, a.email)} for a in console_accounts(store)]


def console_account(*, store: Store, account_id: object) -> ShopperAccount | None:
    """The store's shopper account with that id (None for another store's, or no id)."""
    text = str(account_id) if isinstance(account_id, int | str) else ""
    if not text.isdigit():
        return None
    return (
        ShopperAccount.objects.select_related("customer").filter(store=store, pk=int(text)).first()
    )


def console_user_id(account: ShopperAccount) -> str:
    """The Alexa user id the console plays the account's shopper with."""
    alexa_user_id = account.customer.alexa_user_id
    if alexa_user_id and not alexa_user_id.startswith(NOT_ALEXA_IDS):
        return alexa_user_id
    return f"amzn1.ask.account.CONSOLEACCOUNT{account.pk}"


def linked_console_shopper(*, account: ShopperAccount, actor_label: str) -> ConsoleShopper:
    """A console shopper linked to ``account``, in a new session on a new device. Raises
    ``linking.errors.LinkingError`` for a live store (nothing issued)."""
    token = sandbox_link_issue(account=account, actor_label=actor_label)
    return ConsoleShopper(
        user_id=console_user_id(account),
        account_token=token,
        account_email=account.email,
        account_name=account.name,
    )


def shopper_for_reset(*, store: Store, play_as: object, actor_label: str) -> ConsoleShopper:
    """The console's shopper after a reset: a new one when ``play_as`` is empty, else the
    store's account it names, linked (``Http404`` for an id that is not the store's;
    ``LinkingError`` for a live store)."""
    if play_as is None or play_as == "":
        return ConsoleShopper()
    account = console_account(store=store, account_id=play_as)
    if account is None:
        raise Http404("No shopper account of this store has that id.")
    return linked_console_shopper(account=account, actor_label=actor_label)


def account_label(name: str, email: str) -> str:
    """An account as the page names it: "Ada Lovelace <ada@example.com>", or the email."""
    return f"{name} <{email}>" if name else email


def playing_as(shopper: ConsoleShopper) -> str:
    """Who the console plays, in words for the page."""
    if not shopper.account_token:
        return NEW_SHOPPER
    return account_label(shopper.account_name, shopper.account_email)
