"""Celery tasks of the merchant app: the staff invitation email."""

from celery import shared_task

from . import invitations


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=60)
def send_staff_invitation(self, membership_id: int, portal_url: str):
    try:
        invitations.send_staff_invitation(membership_id=membership_id, portal_url=portal_url)
    except invitations.TransientEmailError as exc:
        raise self.retry(exc=exc) from exc
