from django.apps import AppConfig


class LinkingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "linking"
