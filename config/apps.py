from django.apps import AppConfig


class ProjectConfig(AppConfig):
    """The project itself (settings, root urls, entry points): it owns no models, only the
    system check that refuses to serve without a secret key and the Celery task metrics."""

    name = "config"
    verbose_name = "Portal"

    def ready(self):
        # App loading: checks register on import, and settings cannot import them.
        from . import metrics, security  # noqa: F401  (Celery signal receivers)
