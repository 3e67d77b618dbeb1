from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "webhooks"

    def ready(self):
        # App loading: register the delivery tasks in every process (web, worker, tests) so
        # the services can queue them by name after commit, and connect the catalog's
        # signals (product.updated, stock.low) once the models are ready.
        from catalog.signals import product_updated, stock_low

        from . import receivers, tasks  # noqa: F401

        product_updated.connect(receivers.product_updated, dispatch_uid="webhooks-product")
        stock_low.connect(receivers.stock_low, dispatch_uid="webhooks-stock-low")
