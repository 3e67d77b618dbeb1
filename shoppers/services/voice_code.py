"""The four-digit voice purchase code asked before a saved card is charged by voice (when the
store requires it). Kept hashed like a password. Three wrong codes in a row stop voice
purchases for 15 minutes; a right code clears the count."""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from ..errors import ShopperError, ShopperErrorCode
from ..models import ShopperAccount

VOICE_CODE_TRIES = 3
VOICE_CODE_LOCK = timedelta(minutes=15)
CODE = re.compile(r"^[0-9]{4}$")


@dataclass(frozen=True)
class VoiceCodeCheck:
    ok: bool
    locked_until: datetime | None  # set while voice purchases are stopped


def _lock(account: ShopperAccount) -> ShopperAccount:
    return ShopperAccount.objects.select_for_update().get(pk=account.pk, store_id=account.store_id)


@transaction.atomic
def voice_code_set(*, account: ShopperAccount, code: str) -> ShopperAccount:
    """Set (or change) the code; a lock and the count of wrong codes are cleared."""
    code = (code or "").strip()
    if not CODE.match(code):
        raise ShopperError(ShopperErrorCode.BAD_VOICE_CODE)
    locked = _lock(account)
    locked.voice_code_hash = make_password(code)
    locked.voice_code_failures = 0
    locked.voice_code_locked_until = None
    locked.save(update_fields=["voice_code_hash", "voice_code_failures", "voice_code_locked_until"])
    account.voice_code_hash = locked.voice_code_hash
    account.voice_code_failures, account.voice_code_locked_until = 0, None
    return locked


@transaction.atomic
def voice_code_clear(*, account: ShopperAccount) -> ShopperAccount:
    locked = _lock(account)
    locked.voice_code_hash = ""
    locked.voice_code_failures = 0
    locked.voice_code_locked_until = None
    locked.save(update_fields=["voice_code_hash", "voice_code_failures", "voice_code_locked_until"])
    return locked


@transaction.atomic
def voice_code_check(*, account: ShopperAccount, code: str) -> VoiceCodeCheck:
    """Is ``code`` the account's code? While locked every code is refused (the lock is not
    extended); the third wrong code in a row locks for 15 minutes. An account without a code
    is refused (``ok`` False, not locked)."""
    locked = _lock(account)
    now = timezone.now()
    until = locked.voice_code_locked_until
    if until is not None and until > now:
        return VoiceCodeCheck(ok=False, locked_until=until)
    if not locked.voice_code_hash:
        return VoiceCodeCheck(ok=False, locked_until=None)
    if check_password((code or "").strip(), locked.voice_code_hash):
        if locked.voice_code_failures or until is not None:
            locked.voice_code_failures = 0
            locked.voice_code_locked_until = None
            locked.save(update_fields=["voice_code_failures", "voice_code_locked_until"])
        return VoiceCodeCheck(ok=True, locked_until=None)
    locked.voice_code_failures += 1
    locked.voice_code_locked_until = None
    if locked.voice_code_failures >= VOICE_CODE_TRIES:
        locked.voice_code_failures = 0
        locked.voice_code_locked_until = now + VOICE_CODE_LOCK
    locked.save(update_fields=["voice_code_failures", "voice_code_locked_until"])
    return VoiceCodeCheck(ok=False, locked_until=locked.voice_code_locked_until)
