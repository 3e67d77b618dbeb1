"""Celery tasks of the orders app. Tasks take ids, load fresh rows and call services."""

from celery import shared_task

from . import emails


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=30)
def send_order_email(self, order_id: int, kind: str):
    try:
        emails.send_order_email(order_id=order_id, kind=kind)
    except emails.TransientEmailError as exc:
        raise self.retry(exc=exc) from exc
