from django.apps import AppConfig


class SmapiSandboxConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "smapi_sandbox"
    verbose_name = "SMAPI sandbox"
