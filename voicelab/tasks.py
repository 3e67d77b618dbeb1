"""Celery tasks of the skill app, where Celery's autodiscovery looks for them (``<app>.tasks``
of every installed app): the launch checklist's certification run lives in its package."""

from voicelab.launch.tasks import run_certification

__all__ = ["run_certification"]
