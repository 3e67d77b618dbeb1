from django.apps import AppConfig


class VoicelabConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "voicelab"

    def ready(self):
        # App loading: register the certification task in every process (web, worker,
        # tests), so ``voicelab.launch.services`` can queue it by name, as orders does.
        from . import tasks  # noqa: F401
