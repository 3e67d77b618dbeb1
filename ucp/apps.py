from django.apps import AppConfig


class UcpConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ucp"
