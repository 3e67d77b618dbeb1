from django.apps import AppConfig


class IspConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "isp"
    verbose_name = "In-skill purchasing"
