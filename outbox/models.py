from django.db import models
from django.db.models import Q


class OutboxMessage(models.Model):
    """One Celery task to send once its transaction has committed.

    Not store data: the portal's own plumbing, read by the sweeper only. ``attempts`` counts
    hand-overs to the broker and is the claim's version: whoever moves it from n to n + 1
    (the commit hook or one sweeper) is the one who sends, so a message is never handed
    over twice at once. A process that dies between the hand-over and ``sent_at`` leaves the
    claim to expire (``due_at``), and the message is sent again: tasks are safe to run twice.
    """

    task = models.CharField(max_length=200, help_text="The Celery task's registered name.")
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    due_at = models.DateTimeField(help_text="When the sweeper may hand it over (again).")
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["due_at"], condition=Q(sent_at__isnull=True), name="outbox_unsent_due"
            ),
            models.Index(fields=["sent_at"], name="outbox_sent_at"),
        ]

    def __str__(self):
        state = f"sent {self.sent_at:%Y-%m-%d %H:%M:%S}" if self.sent_at else "waiting"
        return f"{self.task} {self.args} ({state})"
