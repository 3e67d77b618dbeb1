from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"
    verbose_name = "Order notifications on Alexa"

    def ready(self):
        # App loading: register the Celery task in every process, and hear the orders app's
        # status changes (orders never imports notifications).
        from orders.signals import order_status_changed

        from . import receivers, tasks  # noqa: F401

        order_status_changed.connect(
            receivers.queue_order_status, dispatch_uid="notifications.queue_order_status"
        )
