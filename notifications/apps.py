from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "Order notifications on Alexa"

    def ready(self):
        # App loading: register the Celery task in every process, so ``orders.effects``
        # can queue it by name (as ``OrdersConfig.ready`` does for the orders tasks).
        from . import tasks  # noqa: F401
