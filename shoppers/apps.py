from django.apps import AppConfig


class ShoppersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "shoppers"
