"""The account's address book. The first address becomes the default; deleting the default
makes the oldest remaining one the default."""

from typing import Any

from django.db import transaction

from ..errors import ShopperError, ShopperErrorCode
from ..models import ShopperAccount, ShopperAddress

FIELDS = ("name", "line1", "line2", "city", "region", "postal_code", "country", "phone")


def _clean(fields: dict[str, Any]) -> dict[str, str]:
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise TypeError(f"Unknown address fields: {', '.join(sorted(unknown))}")
    cleaned = {key: str(value).strip() for key, value in fields.items()}
    if "country" in cleaned:
        cleaned["country"] = cleaned["country"].upper()
    return cleaned


def _lock_address(account: ShopperAccount, address: ShopperAddress) -> ShopperAddress:
    """The account's own address row, locked; another account's (or store's) is refused."""
    found = (
        ShopperAddress.objects.select_for_update()
        .filter(pk=address.pk, store_id=account.store_id, account=account)
        .first()
    )
    if found is None:
        raise ShopperError(ShopperErrorCode.NOT_FOUND)
    return found


def _lock_account(account: ShopperAccount) -> ShopperAccount:
    return ShopperAccount.objects.select_for_update().get(pk=account.pk, store_id=account.store_id)


@transaction.atomic
def address_add(
    *, account: ShopperAccount, is_default: bool = False, **fields: Any
) -> ShopperAddress:
    account = _lock_account(account)  # one default, even with two forms posted at once
    first = not ShopperAddress.objects.filter(account=account).exists()
    if is_default and not first:
        ShopperAddress.objects.filter(account=account, is_default=True).update(is_default=False)
    return ShopperAddress.objects.create(
        store_id=account.store_id, account=account, is_default=is_default or first, **_clean(fields)
    )


@transaction.atomic
def address_update(
    *, account: ShopperAccount, address: ShopperAddress, **fields: Any
) -> ShopperAddress:
    address = _lock_address(account, address)
    for key, value in _clean(fields).items():
        setattr(address, key, value)
    address.save()
    return address


@transaction.atomic
def address_delete(*, account: ShopperAccount, address: ShopperAddress) -> None:
    account = _lock_account(account)
    address = _lock_address(account, address)
    was_default = address.is_default
    address.delete()
    if was_default:
        oldest = ShopperAddress.objects.filter(account=account).order_by("created_at", "pk").first()
        if oldest is not None:
            oldest.is_default = True
            oldest.save(update_fields=["is_default"])


@transaction.atomic
def address_set_default(*, account: ShopperAccount, address: ShopperAddress) -> ShopperAddress:
    account = _lock_account(account)
    address = _lock_address(account, address)
    if not address.is_default:
        ShopperAddress.objects.filter(account=account, is_default=True).update(is_default=False)
        address.is_default = True
        address.save(update_fields=["is_default"])
    return address
