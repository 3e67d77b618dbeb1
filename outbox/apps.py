from django.apps import AppConfig


class OutboxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "outbox"
    verbose_name = "Outbox of after-commit tasks"

    def ready(self):
        # App loading: register the sweeper task in every process, as the other apps do.
        from . import tasks  # noqa: F401
