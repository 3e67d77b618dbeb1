from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "analytics"

    def ready(self):
        # App loading: register the beat tasks in every process, as orders does.
        from . import tasks  # noqa: F401
