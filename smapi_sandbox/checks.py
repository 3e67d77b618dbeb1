"""Validations, simulations and certification submissions in the sandbox.

A validation checks, per locale, what Amazon's validations check first: the model built, the
endpoint on HTTPS, the skill's name and privacy policy in the locale. A simulation matches
the utterance to the locale's sample utterances as virtual-alexa does
(``voicelab.console.matcher``), builds the request Alexa would send, signs it
(``signing``) and posts it to this portal's own ``/alexa/`` (never another host), answering
with the skill's response. A DEFAULT simulation continues the session the skill left open
(one simulator shopper per skill and stage); FORCE_NEW_SESSION and an utterance naming the
skill ("open ...", "ask ... to ...") start a new one.
"""

import json
import time

import requests
from django.conf import settings
from django.db import transaction

from skill.testing.envelopes import ConsoleShopper, build_envelope, speech_of
from voicelab.console.matcher import LAUNCH, Matcher
from voicelab.package.utterances import normalize

from .common import Refused, is_due, later, new_id
from .models import Certification, InteractionModel, Simulation, Skill, Stage, Validation
from .signing import signed_headers, trust_sandbox_signatures

SIMULATION_TIMEOUT_SECONDS = 10.0
PUBLICATION_METHODS = {"MANUAL_PUBLISHING", "AUTO_PUBLISHING"}


def endpoint_of(stage: Stage) -> str:
    apis = (stage.manifest.get("manifest") or {}).get("apis") or {}
    return str(((apis.get("custom") or {}).get("endpoint") or {}).get("uri") or "")


# Validations -------------------------------------------------------------------------------


def validation_create(*, stage: Stage, locales: object) -> Validation:
    if (
        not isinstance(locales, list)
        or not locales
        or not all(isinstance(x, str) and x for x in locales)
    ):
        raise Refused(400, "locales must be a list of one or more locales.")
    return Validation.objects.create(
        stage=stage, validation_id=new_id(""), locales=locales, ready_at=later()
    )


def _validations(stage: Stage, locale: str) -> list[dict]:
    manifest = stage.manifest.get("manifest") or {}
    listing = ((manifest.get("publishingInformation") or {}).get("locales") or {}).get(locale)
    privacy = ((manifest.get("privacyAndCompliance") or {}).get("locales") or {}).get(locale)
    model = InteractionModel.objects.filter(stage=stage, locale=locale).first()
    checks = [
        (
            "Interaction model",
            f"The {locale} interaction model is built without errors.",
            model is not None and not model.build_errors,
            "REQUIRED",
        ),
        (
            "Endpoint",
            "The skill's endpoint is an HTTPS address.",
            endpoint_of(stage).startswith("https://"),
            "REQUIRED",
        ),
        (
            "Skill name",
            f"The skill has a name in {locale}.",
            bool((listing or {}).get("name")),
            "REQUIRED",
        ),
        (
            "Privacy policy",
            f"The skill links a privacy policy in {locale}.",
            bool((privacy or {}).get("privacyPolicyUrl")),
            "RECOMMENDED",
        ),
    ]
    return [
        {
            "title": title,
            "description": description,
            "category": "SKILL_MANIFEST" if title != "Interaction model" else "INTERACTION_MODEL",
            "locale": locale,
            "importance": importance,
            "status": "SUCCESSFUL" if passed else "FAILED",
        }
        for title, description, passed, importance in checks
    ]


def validation_status(*, stage: Stage, validation_id: str) -> dict:
    with transaction.atomic():
        row = (
            Validation.objects.select_for_update()
            .filter(stage=stage, validation_id=validation_id)
            .first()
        )
        if row is None:
            raise Refused(404, f"Validation {validation_id} not found.")
        if row.result is None and is_due(row.ready_at, row.polls):
            found = [v for locale in row.locales for v in _validations(stage, locale)]
            failed = any(v["status"] == "FAILED" and v["importance"] == "REQUIRED" for v in found)
            row.result = {
                "id": row.validation_id,
                "status": "FAILED" if failed else "SUCCESSFUL",
                "result": {"validations": found},
            }
        row.polls += 1
        row.save(update_fields=["result", "polls"])
    return row.result or {"id": row.validation_id, "status": "IN_PROGRESS"}


# Simulations -------------------------------------------------------------------------------


def simulation_create(*, stage: Stage, body: dict, origin: str) -> Simulation:
    content = (body.get("input") or {}).get("content")
    locale = (body.get("device") or {}).get("locale")
    if not isinstance(content, str) or not content.strip():
        raise Refused(400, "input.content is required.")
    if not isinstance(locale, str) or not locale:
        raise Refused(400, "device.locale is required.")
    mode = (body.get("session") or {}).get("mode", "DEFAULT")
    if mode not in {"DEFAULT", "FORCE_NEW_SESSION"}:
        raise Refused(400, "session.mode must be DEFAULT or FORCE_NEW_SESSION.")
    if not stage.enabled:
        raise Refused(409, "The skill is not enabled for testing in this stage.")
    if not InteractionModel.objects.filter(stage=stage, locale=locale).exists():
        raise Refused(400, f"The skill has no interaction model for locale {locale}.")
    return Simulation.objects.create(
        stage=stage,
        simulation_id=new_id(""),
        request={"content": content, "locale": locale, "mode": mode},
        endpoint_origin=origin,
        ready_at=later(),
    )


def _failed(row: Simulation, message: str) -> dict:
    return {
        "id": row.simulation_id,
        "status": "FAILED",
        "result": {"error": {"message": message}},
    }


def _simulate(row: Simulation) -> dict:
    stage = row.stage
    locale, content = row.request["locale"], row.request["content"]
    model = InteractionModel.objects.filter(stage=stage, locale=locale).first()
    if model is None or model.build_errors:
        return _failed(row, f"The {locale} interaction model is not built.")
    matcher = Matcher(model.model, locale)
    understood = matcher.understand(content)
    shopper = ConsoleShopper.from_dict(stage.simulator)
    invoked = f" {matcher.invocation_name} " in f" {normalize(content)} "
    if row.request.get("mode") == "FORCE_NEW_SESSION" or invoked:
        shopper.session_id, shopper.attributes = "", {}
    envelope = build_envelope(
        shopper=shopper, skill_id=stage.skill.skill_id, locale=locale, understood=understood
    )
    body = json.dumps(envelope).encode()
    if settings.DEBUG:
        trust_sandbox_signatures()
    started = time.monotonic()
    try:
        answer = requests.post(
            f"{row.endpoint_origin}/alexa/",
            data=body,
            headers=signed_headers(body),
            timeout=SIMULATION_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as exc:
        return _failed(row, f"The skill endpoint could not be reached: {exc}")
    elapsed = int((time.monotonic() - started) * 1000)
    if answer.status_code != 200:
        return _failed(
            row, f"The skill endpoint answered {answer.status_code}: {answer.text[:300]}"
        )
    try:
        response = answer.json()
    except ValueError:
        return _failed(row, "The skill endpoint's answer is not JSON.")
    considered = []
    if understood.request_type != LAUNCH:
        considered.append(
            {
                "name": understood.intent,
                "confirmationStatus": "NONE",
                "slots": (envelope["request"].get("intent") or {}).get("slots") or {},
            }
        )
    if isinstance(response, dict):
        shopper.after(envelope, response)
    Stage.objects.filter(pk=stage.pk).update(simulator=shopper.as_dict())
    speech = speech_of(response) if isinstance(response, dict) else ""
    return {
        "id": row.simulation_id,
        "status": "SUCCESSFUL",
        "result": {
            "alexaExecutionInfo": {
                "alexaResponses": [{"type": "Speech", "content": {"caption": speech}}],
                "consideredIntents": considered,
            },
            "skillExecutionInfo": {
                "invocations": [
                    {
                        "invocationRequest": {"endpoint": endpoint_of(stage), "body": envelope},
                        "invocationResponse": {"body": response},
                        "metrics": {"skillExecutionTimeInMilliseconds": elapsed},
                    }
                ]
            },
        },
    }


def simulation_status(*, stage: Stage, simulation_id: str) -> dict:
    row = Simulation.objects.filter(stage=stage, simulation_id=simulation_id).first()
    if row is None:
        raise Refused(404, f"Simulation {simulation_id} not found.")
    if row.result is None and is_due(row.ready_at, row.polls):
        # Outside a transaction: the skill answers over HTTP, perhaps from this very process.
        result = _simulate(row)
        Simulation.objects.filter(pk=row.pk, result__isnull=True).update(result=result)
        row.refresh_from_db()
    else:
        Simulation.objects.filter(pk=row.pk).update(polls=row.polls + 1)
    return row.result or {"id": row.simulation_id, "status": "IN_PROGRESS"}


# Certification -----------------------------------------------------------------------------


def certification_submit(*, skill: Skill, body: dict) -> Certification:
    method = body.get("publicationMethod", "AUTO_PUBLISHING")
    if method not in PUBLICATION_METHODS:
        raise Refused(400, "publicationMethod must be MANUAL_PUBLISHING or AUTO_PUBLISHING.")
    message = body.get("versionMessage", "")
    if not isinstance(message, str):
        raise Refused(400, "versionMessage must be a string.")
    if not Stage.objects.filter(skill=skill, stage="development").exclude(manifest={}).exists():
        raise Refused(400, "The skill has no manifest to submit.")
    return Certification.objects.create(
        skill=skill,
        certification_id=new_id(""),
        publication_method=method,
        version_message=message[:500],
    )


def certification_list(*, skill: Skill) -> dict:
    items = [
        {
            "id": c.certification_id,
            "status": "IN_PROGRESS",
            "skillSubmissionTimestamp": c.submitted_at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        }
        for c in skill.certifications.order_by("-submitted_at", "-id")
    ]
    return {"isTruncated": False, "totalCount": len(items), "items": items}
