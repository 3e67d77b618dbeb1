from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "webhooks"

    def ready(self):
        # App loading: register the delivery tasks in every process (web, worker, tests) so
        # the services can queue them by name after commit.
        from . import tasks  # noqa: F401
