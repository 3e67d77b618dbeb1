from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo stores of `make run`: seeded through every app, so it sits above them all."""

    name = "demo"
    verbose_name = "Demo stores"
