"""A bound on how long one Alexa turn may wait for the database.

Alexa gives a skill 8 seconds. A database that stops answering (a frozen server, a network
path that drops packets, a lock held by a stuck transaction) would otherwise keep the worker
waiting for as long as the kernel lets a socket hang. Server-side timeouts cannot help when
the server itself is not running, so the bound is kept on our side:

- a new connection gives up after ``connect_timeout`` (libpq, set in the settings);
- ``turn_deadline(seconds)`` arms a timer for the turn; when it fires while the turn is
  still running, it shuts the connection's socket down. The blocked call then fails at once
  with a database error, the endpoint answers with the spoken apology, and Django discards
  the broken connection at the end of the request, so the next turn connects afresh;
- once the deadline has passed, the turn makes no new connection attempt either (Django's
  health check would otherwise reconnect and wait ``connect_timeout`` more).

The timer is disarmed under a lock before the turn returns, so a healthy connection is never
shut down after its turn has finished.
"""

import logging
import socket
import threading
from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, OperationalError, connections

logger = logging.getLogger(__name__)


def _socket_fd(wrapper) -> int | None:
    raw = wrapper.connection  # the driver's connection, None before the first query
    fileno = getattr(raw, "fileno", None)
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


@contextmanager
def turn_deadline(seconds: float):
    """Within the block, a database call still waiting after ``seconds`` fails fast."""
    # Django's connections are per thread: take this thread's wrapper for the timer's thread.
    wrapper = connections[DEFAULT_DB_ALIAS]
    if seconds <= 0 or wrapper.vendor != "postgresql":  # SQLite waits on its busy timeout
        yield
        return
    state = {"done": False}
    lock = threading.Lock()

    def expire():
        with lock:
            if state["done"]:
                return
            state["expired"] = True
            # An instance attribute shadows the backend's connect() until the turn ends.
            wrapper.connect = _refuse_to_connect
            fd = _socket_fd(wrapper)
            if fd is None:  # still connecting (bounded by connect_timeout): look again soon
                state["timer"] = threading.Timer(0.05, expire)
                state["timer"].daemon = True
                state["timer"].start()
                return
            logger.error("database did not answer within %.1f s: dropping the connection", seconds)
            _shut(fd)

    state["timer"] = threading.Timer(seconds, expire)
    state["timer"].daemon = True
    state["timer"].start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
            if state.get("expired"):
                del wrapper.connect
            state["timer"].cancel()


def _refuse_to_connect():
    raise OperationalError("the turn's database deadline has passed")
