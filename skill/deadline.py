"""A bound on how long one Alexa turn may wait for the database.

Alexa gives a skill 8 seconds. A database that stops answering (a frozen server, a network
path that drops packets, a lock held by a stuck transaction) would otherwise keep the worker
waiting for as long as the kernel lets a socket hang. Server-side timeouts cannot help when
the server itself is not running, so the bound is kept on our side:

- a new connection gives up after ``connect_timeout`` (libpq, set in the settings);
- ``turn_deadline(seconds)`` registers the turn with the process's one watchdog thread; when
  the deadline passes while the turn is still running, the watchdog shuts the connection's
  socket down. The blocked call then fails at once with a database error, the endpoint
  answers with the spoken apology, and Django discards the broken connection at the end of
  the request, so the next turn connects afresh;
- once the deadline has passed, the turn makes no new connection attempt either (Django's
  health check would otherwise reconnect and wait ``connect_timeout`` more).

One watchdog per process, not a timer thread per turn: starting a thread costs a context
switch and a lock wait on every turn (about 2 ms a turn on a loaded 2-core machine). A turn
only appends itself to a heap under a lock; the watchdog sleeps until the earliest deadline
(waking at most every 50 ms, dropping the deadlines of finished turns in bulk).
The turn is marked done under its own lock before it returns, so a healthy connection is
never shut down after its turn has finished.
"""

import heapq
import itertools
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections
from django.db.backends.base.base import BaseDatabaseWrapper

logger = logging.getLogger(__name__)

RECHECK_SECONDS = 0.05  # a turn still connecting when its deadline passes is looked at again
GRAIN_SECONDS = 0.05  # a deadline fires at most this late


def _socket_fd(wrapper: BaseDatabaseWrapper) -> int | None:
    raw = wrapper.connection  # the driver's connection, None before the first query
    fileno: Callable[[], int] | None = getattr(raw, "fileno", None)
    if wrapper.vendor != "postgresql" or fileno is None:
        return None
    try:
        return fileno()
    except Exception:  # a closed psycopg connection raises its own InterfaceError
        return None


def _shut(fd: int) -> None:
    duplicate = socket.socket(fileno=socket.dup(fd))
    try:
        duplicate.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        duplicate.close()


class _Turn:
    __slots__ = ("wrapper", "seconds", "lock", "done", "expired")

    def __init__(self, wrapper: BaseDatabaseWrapper, seconds: float) -> None:
        self.wrapper = wrapper
        self.seconds = seconds
        self.lock = threading.Lock()
        self.done = False
        self.expired = False

    def expire(self) -> bool:
        """Called by the watchdog at the deadline; True when it must look again soon."""
        with self.lock:
            if self.done:
                return False
            self.expired = True
            # An instance attribute shadows the backend's connect() until the turn ends.
            self.wrapper.connect = _refuse_to_connect  # type: ignore[method-assign]
            fd = _socket_fd(self.wrapper)
            if fd is None:  # still connecting (bounded by connect_timeout): look again soon
                return True
            logger.error(
                "database did not answer within %.1f s: dropping the connection", self.seconds
            )
            _shut(fd)
            return False


class _Watchdog:
    """The process's one deadline thread (started on first use, again after a fork)."""

    def __init__(self) -> None:
        self._condition = threading.Condition(threading.Lock())
        self._heap: list[tuple[float, int, _Turn]] = []  # (deadline, sequence, turn)
        self._sequence = itertools.count()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None

    def watch(self, turn: _Turn, at: float) -> None:
        with self._condition:
            if self._pid != os.getpid():  # first use, or a forked worker: no thread here yet
                self._heap.clear()
                self._thread = threading.Thread(
                    target=self._run, name="skill-turn-deadline", daemon=True
                )
                self._pid = os.getpid()
                self._thread.start()
            earliest = self._heap[0][0] if self._heap else None
            heapq.heappush(self._heap, (at, next(self._sequence), turn))
            # The deadlines of one process are mostly the same length, so a new turn's comes
            # after every waiting one's: the watchdog needs waking only when it would not
            # wake in time by itself.
            if earliest is None or at < earliest:
                self._condition.notify()

    def _run(self) -> None:
        while True:
            due: list[_Turn] = []
            with self._condition:
                while not due:
                    now = time.monotonic()
                    while self._heap and self._heap[0][0] <= now:
                        _, _, turn = heapq.heappop(self._heap)
                        if not turn.done:
                            due.append(turn)
                    if due:
                        break
                    # At most one wake-up per GRAIN_SECONDS, however many turns run: most
                    # deadlines belong to turns long finished, dropped here in bulk.
                    wait = max(self._heap[0][0] - now, GRAIN_SECONDS) if self._heap else None
                    self._condition.wait(wait)
            for turn in due:
                if turn.expire():
                    self.watch(turn, time.monotonic() + RECHECK_SECONDS)


_watchdog = _Watchdog()


@contextmanager
def turn_deadline(seconds: float) -> Iterator[None]:
    """Within the block, a database call still waiting after ``seconds`` fails fast."""
    # Django's connections are per thread: take this thread's wrapper for the watchdog.
    wrapper = connections[DEFAULT_DB_ALIAS]
    if seconds <= 0 or wrapper.vendor != "postgresql":  # SQLite waits on its busy timeout
        yield
        return
    turn = _Turn(wrapper, seconds)
    _watchdog.watch(turn, time.monotonic() + seconds)
    try:
        yield
    finally:
        with turn.lock:
            turn.done = True
            if turn.expired:
                del wrapper.connect


def _refuse_to_connect() -> NoReturn:
    raise OperationalError("the turn's database deadline has passed")
