"""``GET /healthz`` for load balancers: the database and, when one is configured, the Celery
broker (Redis or RabbitMQ). HTTP 200 when all answer, 500 otherwise; JSON with
``Accept: application/json`` or ``?format=json``, plain text with ``?format=text``.

Balancers probe each instance by address over plain HTTP, so the middleware answers
``/healthz`` before the host check (ALLOWED_HOSTS), the HTTPS redirect and the login and
two-factor rules; the answer names no host and no user data.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings
from health_check.views import HealthCheckView

HEALTH_PATH = "/healthz"


def broker_check():
    url = settings.CELERY_BROKER_URL
    if url.startswith(("redis://", "rediss://")):
        from redis.asyncio import Redis  # only a Redis broker needs its client loaded

        return ("health_check.contrib.redis.Redis", {"client_factory": lambda: Redis.from_url(url)})
    if url.startswith(("amqp://", "pyamqp://")):
        return (
            "health_check.contrib.rabbitmq.RabbitMQ",
            {"amqp_url": url.replace("pyamqp", "amqp", 1)},
        )
    return None


class PortalHealthCheckView(HealthCheckView):
    def get_checks(self):
        self.checks = ["health_check.checks.Database"]
        broker = broker_check()
        if broker is not None:
            self.checks.append(broker)
        return super().get_checks()


health_view = PortalHealthCheckView.as_view()


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz")

    def __call__(self, request):
        if request.path_info.rstrip("/") == HEALTH_PATH and request.method in ("GET", "HEAD"):
            # The view is async: run it on its own event loop in a thread of its own, which
            # works whether or not this thread already runs a loop.
            return self.runner.submit(asyncio.run, health_view(request)).result()
        return self.get_response(request)
