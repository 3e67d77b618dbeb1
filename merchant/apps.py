from django.apps import AppConfig


class MerchantConfig(AppConfig):
    name = "merchant"
    verbose_name = "Stores and staff"

    def ready(self):
        # App loading: register the Celery task in every process, so the outbox can send it
        # by name (as the other apps' ready() do), and the receivers that forget a changed
        # store's shop domain in the cache.
        from . import domains, tasks  # noqa: F401
