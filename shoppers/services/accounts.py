"""A shopper account's life: sign up, verify the email, reset the password, delete.

Emails go out through the outbox after the commit (``shoppers.tasks``). Deleting follows the
customers' erasure rule (``orders.services.customer_erase``): personal data goes, the facts
of the orders stay; the web account goes with the customer's erasure (``shoppers.signals``).
"""

import uuid

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import timezone

from cards import services as cards
from merchant.models import Store
from orders import services as orders
from orders.models import CustomerEventSource
from outbox.services import outbox_message_add

from .. import emails
from ..auth import SHOPPER_USERNAME_PREFIX, normalize_email, throttle_key
from ..errors import ShopperError, ShopperErrorCode
from ..models import ShopperAccount
from ..selectors import account_for_link
from ..signals import erase_web_account
from ..tasks import SEND_ACCOUNT_EMAIL

WEB = CustomerEventSource.WEB


def _queue_email(account: ShopperAccount, kind: str) -> None:
    outbox_message_add(task=SEND_ACCOUNT_EMAIL, args=(account.pk, kind))


def account_sign_up(*, store: Store, email: str, password: str, name: str) -> ShopperAccount:
    """A new account of ``store`` with its own customer (``web:<uuid>`` until linked to
    Alexa); the verification email is sent after the commit. The password is taken as given
    (the sign-up form checks it against the password validators)."""
    email = normalize_email(email)
    if ShopperAccount.objects.filter(store=store, email=email).exists():
        raise ShopperError(ShopperErrorCode.EMAIL_TAKEN)
    try:
        with transaction.atomic():
            user = get_user_model()(
                username=f"{SHOPPER_USERNAME_PREFIX}{store.pk}-{uuid.uuid4().hex}",
                email=email,
                is_staff=False,
                is_superuser=False,
            )
            user.set_password(password)
            user.save()
            customer = orders.customer_get_or_create(
                store=store,
                alexa_user_id=f"web:{uuid.uuid4()}",
                locale=store.default_locale,
                source=WEB,
            )
            orders.customer_store_delivery_contact(
                customer=customer, address={}, email=email, source=WEB
            )
            account = ShopperAccount.objects.create(
                store=store, user=user, customer=customer, email=email, name=name.strip()
            )
            _queue_email(account, emails.VERIFY)
    except IntegrityError as exc:  # the same email signed up at this store a moment ago
        raise ShopperError(ShopperErrorCode.EMAIL_TAKEN) from exc
    return account


def account_send_verification(*, account: ShopperAccount) -> None:
    """Send the verification link again (nothing when the email is already verified)."""
    if not account.is_verified:
        with transaction.atomic():
            _queue_email(account, emails.VERIFY)


@transaction.atomic
def account_verify_email(*, store: Store, uidb64: str, token: str) -> ShopperAccount:
    """Mark the account's email verified; the same link again changes nothing."""
    account = account_for_link(store=store, uidb64=uidb64, token=token, kind=emails.VERIFY)
    if account is None:
        raise ShopperError(ShopperErrorCode.BAD_LINK)
    account = ShopperAccount.objects.select_for_update().get(pk=account.pk, store=store)
    if account.email_verified_at is None:
        account.email_verified_at = timezone.now()
        account.save(update_fields=["email_verified_at"])
    return account


def account_password_reset_start(*, store: Store, email: str) -> None:
    """Email a reset link to the account of ``email`` at ``store``; nothing (and no sign of
    it) when there is none."""
    account = ShopperAccount.objects.filter(store=store, email=normalize_email(email)).first()
    if account is not None and account.user.is_active:
        with transaction.atomic():
            _queue_email(account, emails.RESET)


@transaction.atomic
def account_password_reset_finish(
    *, store: Store, uidb64: str, token: str, password: str
) -> ShopperAccount:
    """Set the new password (the link stops working); the email is verified by the same
    token, which only its owner received. The failed logins of the account are cleared."""
    account = account_for_link(store=store, uidb64=uidb64, token=token, kind=emails.RESET)
    if account is None:
        raise ShopperError(ShopperErrorCode.BAD_LINK)
    account = (
        ShopperAccount.objects.select_for_update()
        .select_related("user")
        .get(pk=account.pk, store=store)
    )
    user = account.user
    user.set_password(password)
    user.save(update_fields=["password"])
    if account.email_verified_at is None:
        account.email_verified_at = timezone.now()
        account.save(update_fields=["email_verified_at"])
    AccessAttempt.objects.filter(username=throttle_key(store, account.email)).delete()
    return account


@transaction.atomic
def account_delete(*, account: ShopperAccount) -> None:
    """ "Delete my account": the customer is erased like a shopper who disabled the skill
    without keeping their data (``orders.services.customer_erase``: orders keep number,
    lines, amounts and the tax jurisdiction; email, address and name go). Its
    ``customer_erased`` signal takes the rest, in this transaction: Stripe's customer and the
    saved cards (cards, the Stripe side after the commit), the cart, the wish list, the
    address book, the login records and the auth user, whose deletion removes its OAuth
    tokens (``shoppers.signals``)."""
    account = (
        ShopperAccount.objects.select_for_update()
        .select_related("user", "customer", "store")
        .get(pk=account.pk, store_id=account.store_id)
    )
    customer = account.customer
    cards.customer_stripe_forget(customer=customer)
    orders.customer_erase(customer=customer, source=WEB)
    if ShopperAccount.objects.filter(pk=account.pk).exists():
        # The customer was erased before (no signal this time): the account goes now.
        erase_web_account(sender=ShopperAccount, customer=customer)
