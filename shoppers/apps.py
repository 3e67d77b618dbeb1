from django.apps import AppConfig


class ShoppersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "shoppers"

    def ready(self) -> None:
        # App loading: register the Celery tasks in every process (the services queue them by
        # name through the outbox) and connect the receivers of orders' signals.
        from . import signals, tasks  # noqa: F401
