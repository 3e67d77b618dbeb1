"""``GET /healthz`` for load balancers: the database and, when one is configured, the Celery
broker (Redis or RabbitMQ). HTTP 200 when all answer, 500 otherwise, to ``GET`` and ``HEAD``
(the same status and headers, no body) and to any ``Accept``: JSON with
``Accept: application/json`` or ``?format=json``, plain text with ``?format=text`` or
``Accept: text/plain``, HTML for a browser (``text/html``, ``*/*``), and plain text for an
``Accept`` that names none of these or does not parse.

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

    async def get(self, request, *args, **kwargs):
        try:
            response = await super().get(request, *args, **kwargs)
        except ValueError:  # health_check's Accept parser refuses a header it cannot read
            response = None
        if response is None or response.status_code == 406:
            # A probe is answered whatever it accepts: the status code is the answer.
            failed = any(result.error for result in self.results)
            response = self.render_to_response_text(500 if failed else 200)
        return response


health_view = PortalHealthCheckView.as_view()


class HealthCheckMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.runner = ThreadPoolExecutor(max_workers=1, thread_name_prefix="healthz")

    def __call__(self, request):
        if request.path_info.rstrip("/") == HEALTH_PATH and request.method in ("GET", "HEAD"):
            # The view is async: run it on its own event loop in a thread of its own, which
            # works whether or not this thread already runs a loop.
            response = self.runner.submit(asyncio.run, health_view(request)).result()
            return finish(request, response)
        return self.get_response(request)


def finish(request, response):
    """Render what the view answered, as Django's handler would for a view behind it (the
    HTML answer is a TemplateResponse), and answer HEAD with GET's status and headers and
    no body."""
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    response["Content-Length"] = str(len(response.content))
    if request.method == "HEAD":
        response.content = b""
    return response
