"""Publish a store's skill to Alexa through SMAPI, as the launch checklist's button does.

python manage.py publish_skill --store no-nicks [--stage development] [--submit] [--json]

The store must be connected to an Amazon developer account (the launch checklist's Connect).
The publish runs here and now (not through the task queue); with ``--json`` the only output
is one JSON object: ``skill_id``, ``stage``, ``steps`` (each ``name``, ``status``, ``detail``
and ``answer``, Amazon's answers). A failed publish run again continues where it stopped.
Exit status 1 when the publish failed.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from merchant.models import Store
from voicelab.publish import pipeline, services


class Command(BaseCommand):
    help = "Publish a store's skill to Alexa through the Skill Management API."

    def add_arguments(self, parser):
        parser.add_argument("--store", required=True, help="The store's slug.")
        parser.add_argument("--stage", default="development", choices=services.STAGES)
        parser.add_argument(
            "--submit", action="store_true", help="Submit for certification at the end."
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, store, stage, submit, json: bool, **options):
        shop = Store.objects.filter(slug=store).first()
        if shop is None:
            raise CommandError(f'No store with the slug "{store}".')
        try:
            publish, created = services.publish_start(
                store=shop, actor=None, actor_label="command", stage=stage, submit=submit
            )
        except services.PublishRefused as refused:
            raise CommandError(str(refused)) from None
        if not created:
            raise CommandError(f"Publish {publish.pk} of {shop.name} is already running.")
        # Without a broker the outbox ran the task at the commit; with one, run it here (a
        # worker taking it up too finds it claimed and leaves it).
        pipeline.run_publish(publish.pk)
        publish.refresh_from_db()
        if json:
            self.stdout.write(_json(publish))
        else:
            for step in publish.steps:
                label = pipeline.STEP_TITLES.get(step["name"], step["name"])
                self.stdout.write(f"{label}: {step['status']}: {step['detail']}")
            self.stdout.write(
                f"Skill {publish.skill_id or '(none)'}: {publish.get_status_display()}"
            )
        if publish.status != "succeeded":
            raise SystemExit(1)


def _json(publish) -> str:
    return json.dumps(
        {
            "skill_id": publish.skill_id,
            "stage": publish.stage,
            "steps": [
                {
                    "name": s["name"],
                    "status": s["status"],
                    "detail": s["detail"],
                    "answer": s.get("answer"),
                }
                for s in publish.steps
            ],
        },
        ensure_ascii=False,
    )
