import logging

from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project itself (settings, root urls, entry points): it owns no models, only the
    system check that refuses to serve without a secret key, the Celery task metrics, and
    a plain 403 logged without a traceback (``log_filters``)."""

    name = "config"
    verbose_name = "Portal"

    def ready(self):
        # App loading: checks register on import, and settings cannot import them.
        from . import metrics, security  # noqa: F401  (Celery signal receivers)

        # Imported here with the other modules ready() wires up (the filter names Django's
        # exceptions, importable only once settings are loaded).
        from .log_filters import PlainForbidden

        request_log = logging.getLogger("django.request")
        if not any(isinstance(f, PlainForbidden) for f in request_log.filters):
            request_log.addFilter(PlainForbidden())
