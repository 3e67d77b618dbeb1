"""The transactional outbox: after-commit Celery tasks that survive a broker outage.

A service records each effect of a change (an email, a capture, a notification) as an
``OutboxMessage`` in its own transaction; after the commit the message is handed to the
broker and marked sent. A broker that is down or silent fails the hand-over fast, is
logged, and changes nothing about the answer the change already has: the message waits, and
the sweeper (``outbox.tasks.sweep_outbox``, every minute) sends it once the broker is back.
Below every portal app: it imports none of them, and knows tasks only by the names their
own apps give it.
"""
