"""The outbox: a message commits with its change, goes to the broker after the commit, waits
for the sweeper when the broker is down (the commit keeps its answer), and is sent exactly
once when the broker is back, whoever sends it."""

import time
from datetime import timedelta

import pytest
from celery import shared_task
from django.db import transaction
from django.utils import timezone

from outbox import broker, services
from outbox.models import OutboxMessage
from outbox.tasks import sweep_outbox
from outbox.testing import broker_at, broker_down, silent_broker

RECORD = "outbox.tests.record"
ran: list[tuple] = []


@shared_task(name=RECORD)
def record(*args, **kwargs):
    ran.append((args, kwargs))


@pytest.fixture(autouse=True)
def _nothing_ran_yet():
    ran.clear()


def later(minutes=1):
    return timezone.now() + timedelta(minutes=minutes)


def add(*args, **kwargs) -> OutboxMessage:
    return services.outbox_message_add(task=RECORD, args=args, kwargs=kwargs)


def test_a_message_is_sent_after_the_commit_only(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = add(7, "shipped", key="r1")
    assert ran == []
    assert len(callbacks) == 1
    callbacks[0]()
    assert ran == [((7, "shipped"), {"key": "r1"})]
    message.refresh_from_db()
    assert (message.attempts, message.last_error) == (1, "")
    assert message.sent_at is not None


def test_a_rolled_back_change_leaves_no_message(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                add(7)
                raise RuntimeError("rolled back")
    assert (callbacks, ran, OutboxMessage.objects.count()) == ([], [], 0)


def test_broker_down_the_commit_succeeds_and_the_sweeper_sends_once_when_it_is_back(
    db, django_capture_on_commit_callbacks, caplog
):
    with broker_down():
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                first = add(1)
                second = add(2)
        seconds = time.monotonic() - started
        assert broker.paused()
    assert seconds < 0.5, seconds  # refused at once; the second does not even try
    assert ran == []
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.sent_at, first.attempts) == (None, 1)
    assert "Connection refused" in first.last_error
    assert (second.sent_at, second.attempts, second.last_error) == (None, 0, "")
    assert "the sweeper will" in caplog.text

    # The broker is back (eager: the task runs here); the beat's sweeper runs a minute later.
    assert services.outbox_messages_sweep(now=later()) == 2
    assert ran == [((1,), {}), ((2,), {})]
    assert services.outbox_messages_sweep(now=later(2)) == 0
    assert sweep_outbox.delay().get() == 0
    assert ran == [((1,), {}), ((2,), {})]
    assert list(OutboxMessage.objects.order_by("pk").values_list("attempts", "last_error")) == [
        (2, ""),
        (1, ""),
    ]
    assert OutboxMessage.objects.filter(sent_at=None).count() == 0


def test_the_sweeper_stops_at_a_broker_failure_and_leaves_untried_messages_their_grace(
    db, django_capture_on_commit_callbacks
):
    def attempts():
        return list(OutboxMessage.objects.order_by("pk").values_list("attempts", flat=True))

    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        for n in range(3):
            add(n)
    # The first was tried at its commit and is due again at once; the others were left
    # untried (the broker had just failed) and wait out the grace for their commit hooks.
    assert attempts() == [1, 0, 0]
    with broker_down():
        assert services.outbox_messages_sweep() == 0
        assert attempts() == [2, 0, 0]  # refused again
        assert services.outbox_messages_sweep(now=later()) == 0
        assert attempts() == [2, 0, 0]  # the refusal was moments ago: not tried again yet
    assert services.outbox_messages_sweep(now=later()) == 3  # the broker is back
    assert attempts() == [3, 1, 1]
    assert [args for args, _ in ran] == [(0,), (1,), (2,)]


def test_a_silent_broker_costs_one_socket_timeout_then_nothing(
    db, settings, django_capture_on_commit_callbacks
):
    with silent_broker() as url, broker_at(url):
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            with transaction.atomic():
                add(1)
                add(2)
        first_request = time.monotonic() - started
        started = time.monotonic()
        with django_capture_on_commit_callbacks(execute=True):
            add(3)
        next_request = time.monotonic() - started
    assert first_request < settings.CELERY_BROKER_SOCKET_TIMEOUT + 0.5, first_request
    assert next_request < 0.2, next_request
    assert list(OutboxMessage.objects.order_by("pk").values_list("sent_at", "attempts")) == [
        (None, 1),
        (None, 0),
        (None, 0),
    ]
    assert "Timeout" in OutboxMessage.objects.order_by("pk").first().last_error


def test_a_message_claimed_elsewhere_is_not_sent_again(db):
    with broker_down():
        message = add(1)
    stale = OutboxMessage.objects.get(pk=message.pk)  # as a second sweeper read it
    assert services.outbox_message_send(message=message, now=later()) == services.SENT
    assert services.outbox_message_send(message=stale, now=later()) == services.TAKEN
    assert services.outbox_messages_sweep(now=later(10)) == 0
    assert ran == [((1,), {})]


def test_a_claim_whose_process_died_is_sent_again_after_it_expires(db, settings):
    message = OutboxMessage.objects.create(task=RECORD, args=[5], due_at=timezone.now())
    # A process claimed it and died before handing it over (or before marking it sent).
    OutboxMessage.objects.filter(pk=message.pk).update(
        attempts=1, due_at=timezone.now() + timedelta(seconds=settings.OUTBOX_CLAIM_SECONDS)
    )
    assert services.outbox_messages_sweep(now=later()) == 0
    assert services.outbox_messages_sweep(now=later(3)) == 1
    assert ran == [((5,), {})]


def test_the_purge_forgets_old_sent_messages_only(db, settings):
    now = timezone.now()
    old = now - timedelta(days=settings.OUTBOX_KEEP_SENT_DAYS, minutes=1)
    kept = [
        OutboxMessage.objects.create(task=RECORD, due_at=old, sent_at=None),
        OutboxMessage.objects.create(task=RECORD, due_at=old, sent_at=now - timedelta(days=1)),
    ]
    OutboxMessage.objects.create(task=RECORD, due_at=old, sent_at=old)
    assert services.outbox_messages_purge(now=now) == 1
    assert sorted(OutboxMessage.objects.values_list("pk", flat=True)) == [m.pk for m in kept]


def test_the_sweeper_runs_every_minute(settings):
    assert settings.CELERY_BEAT_SCHEDULE["outbox-sweep"] == {
        "task": "outbox.tasks.sweep_outbox",
        "schedule": 60.0,
    }
    assert sweep_outbox.name == "outbox.tasks.sweep_outbox"
