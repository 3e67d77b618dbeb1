from django.apps import AppConfig


class MerchantConfig(AppConfig):
    name = "merchant"
    verbose_name = "Stores and staff"

    def ready(self):
        # App loading: register the Celery task in every process, so the outbox can send it
        # by name (as the other apps' ready() do).
        from . import tasks  # noqa: F401
