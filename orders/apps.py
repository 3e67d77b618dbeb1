from django.apps import AppConfig


class OrdersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "orders"

    def ready(self):
        # App loading: register the Celery tasks in every process (not only in workers,
        # where autodiscovery imports them), so ``orders.effects`` can queue them by name.
        from . import tasks  # noqa: F401
