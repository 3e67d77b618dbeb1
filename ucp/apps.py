"""The store on shopping agents: a Universal Commerce Protocol (2026-04-08) server with REST and
MCP bindings at /ucp/<store-slug>."""

from django.apps import AppConfig


class UcpConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ucp"

    def ready(self) -> None:
        # App loading: register the Celery tasks in every process (the outbox queues them by
        # name after commit) and connect the receivers of the orders signals.
        from . import receivers, tasks  # noqa: F401
