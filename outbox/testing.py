"""A broker outage for the tests and benches of every app: Celery pointed at a broker that is
not there, or at one that never answers. Test helpers, kept out of ``tests`` so that `bench/`
may use them too."""

import socket
import threading
from contextlib import contextmanager

from celery import current_app
from kombu import pools

from outbox import broker

# Nothing listens on port 1: every connection is refused at once, as with a stopped Redis.
REFUSING_BROKER = "redis://127.0.0.1:1/0"


def forget_connections(app=current_app) -> None:
    """Close the process's broker connections, so the next publish uses ``broker_url``."""
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@contextmanager
def broker_at(url: str):
    """Not eager: tasks go to the broker at ``url`` (this process tries it at once). On exit
    eager again, as the tests run, and the broker's last failure forgotten."""
    app = current_app
    # The write URL: the broker_url setting yields to a CELERY_BROKER_URL in the environment.
    saved = (app.conf.task_always_eager, app.conf.get("broker_write_url"))
    forget_connections(app)
    broker.resume()
    # Set by key: celery-types declares the attribute read-only.
    app.conf.task_always_eager, app.conf["broker_write_url"] = False, url
    try:
        yield
    finally:
        app.conf.task_always_eager, app.conf["broker_write_url"] = saved
        forget_connections(app)
        broker.resume()


def broker_down():
    """Every publish refused, as during a Redis outage."""
    return broker_at(REFUSING_BROKER)


@contextmanager
def silent_broker():
    """A broker that accepts connections and never answers (a frozen server, a dropped
    network path): yields its URL."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    finally:
        stop.set()
        thread.join(2)
        for connection in held:
            connection.close()
        server.close()
