from django.apps import AppConfig


def _forget_words(sender, *, customer, **kwargs):
    # Imported here: services import models, which need the app registry (ready() runs first).
    from .services import customer_words_forget

    customer_words_forget(customer=customer)


class AnalyticsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "analytics"

    def ready(self):
        # App loading: register the beat tasks in every process, as orders does.
        from orders.models import Customer
        from orders.signals import customer_erased

        from . import tasks  # noqa: F401

        customer_erased.connect(
            _forget_words, sender=Customer, dispatch_uid="analytics_forget_shopper_words"
        )
