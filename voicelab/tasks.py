"""The voice tooling's Celery tasks, where Celery's autodiscovery looks for them
(``<app>.tasks``): the certification run of the launch checklist, and a publish through SMAPI
(queued through the outbox by ``publish.services.publish_start``).

The task takes the run's id and loads a fresh row (``runner.run_certification`` claims it
under a row lock), so running it twice is safe: a run that is finished, or being played by
another worker, is left alone; one whose worker went away is played again from the start
with fresh test shoppers. ``launch.services`` queues it by name (``RUN_CERTIFICATION``) and
never imports this module: the task imports the services, not the other way round."""

import logging

from celery import shared_task

from voicelab.launch import runner, services
from voicelab.publish import pipeline
from voicelab.publish import services as publish_services

logger = logging.getLogger(__name__)


@shared_task(name=services.RUN_CERTIFICATION, acks_late=True)
def run_certification(run_id: int) -> str:
    try:
        return runner.run_certification(run_id)
    except Exception as exc:  # never leave the page waiting on a run that cannot finish
        logger.exception("Certification run %s failed", run_id)
        services.certification_run_finish(
            run_id=run_id, error=f"The run stopped on an error: {type(exc).__name__}: {exc}"
        )
        return "error"


@shared_task(name=publish_services.PUBLISH_SKILL, acks_late=True)
def publish_skill(publish_id: int) -> str:
    try:
        return pipeline.run_publish(publish_id)
    except Exception as exc:  # never leave the page waiting on a publish that cannot finish
        logger.exception("Publish %s failed", publish_id)
        publish_services.publish_finish(
            publish_id=publish_id,
            error=f"The publish stopped on an error: {type(exc).__name__}: {exc}",
        )
        return "failed"
