"""What every part of the sandbox shares: SMAPI's refusals, ETags, ids and the clock of its
asynchronous work."""

import hashlib
import json
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

DEVELOPMENT = "development"
STAGES = {DEVELOPMENT, "live"}


class Refused(Exception):
    """A request SMAPI refuses: ``status`` and SMAPI's ``message``."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def etag_of(data: object) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]


def later() -> datetime:
    return timezone.now() + timedelta(seconds=settings.SMAPI_SANDBOX_DELAY_SECONDS)


def is_due(ready_at: datetime, polls: int) -> bool:
    return polls >= 1 and timezone.now() >= ready_at


def new_id(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4()}"


def check_if_match(if_match: str | None, etag: str) -> None:
    if if_match and if_match.strip('"') != etag:
        raise Refused(412, "The If-Match ETag does not match the resource's current version.")
