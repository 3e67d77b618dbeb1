"""Celery tasks of the shoppers app: the account emails (queued through the outbox)."""

from celery import shared_task

from . import emails

SEND_ACCOUNT_EMAIL = "shoppers.tasks.send_account_email"


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=60)
def send_account_email(self, account_id: int, kind: str) -> bool:
    try:
        return emails.send_account_email(account_id=account_id, kind=kind)
    except emails.TransientEmailError as exc:
        raise self.retry(exc=exc) from exc
