from django.apps import AppConfig


class MerchantConfig(AppConfig):
    name = "merchant"
    verbose_name = "Stores and staff"

    def ready(self):
        from . import security  # noqa: F401  (registers the secret-key check)
