"""The steps of a publish (``pipeline``): each takes the ``Run`` and returns its status,
what happened in words and Amazon's answers in Amazon's JSON, or raises ``StepFailed`` (or
the client's ``SmapiError``) with the reason in words. Asynchronous work at Amazon (imports,
builds, validations, simulations) is polled with the ASK CLI's backoff."""

import functools
import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ask_smapi_model.v1.isp.create_in_skill_product_request import CreateInSkillProductRequest
from ask_smapi_model.v1.isp.update_in_skill_product_request import UpdateInSkillProductRequest
from ask_smapi_model.v1.skill.create_skill_with_package_request import (
    CreateSkillWithPackageRequest,
)
from ask_smapi_model.v1.skill.publication_method import PublicationMethod
from ask_smapi_model.v1.skill.submit_skill_for_certification_request import (
    SubmitSkillForCertificationRequest,
)
from ask_smapi_model.v1.skill.update_skill_with_package_request import (
    UpdateSkillWithPackageRequest,
)
from ask_smapi_model.v1.skill.validations.validations_api_request import ValidationsApiRequest
from ask_smapi_model.v2.skill.simulations.device import Device
from ask_smapi_model.v2.skill.simulations.input import Input
from ask_smapi_model.v2.skill.simulations.session import Session
from ask_smapi_model.v2.skill.simulations.session_mode import SessionMode
from ask_smapi_model.v2.skill.simulations.simulations_api_request import SimulationsApiRequest
from django.conf import settings

from alexa import http
from isp.models import InSkillProduct
from isp.package import product_definition
from isp.services import product_amazon_sync_record
from linking.endpoints import account_linking_request
from linking.selectors import alexa_client_of_store
from linking.services import alexa_client_rotate
from voicelab.models import SkillPublish, SmapiConnection
from voicelab.package import SkillPackage

from . import services
from .client import SmapiError, answer_json, call, typed, upload_hosts

SUCCEEDED, FAILED, SKIPPED, WARNING = "succeeded", "failed", "skipped", "warning"
DONE = (SUCCEEDED, SKIPPED, WARNING)
# The launch utterance the smoke simulation says, by language.
LAUNCH_PHRASES = {
    "en": "open {name}",
    "de": "öffne {name}",
    "fr": "ouvre {name}",
    "es": "abre {name}",
    "it": "apri {name}",
    "pt": "abrir {name}",
    "ja": "{name}を開いて",
    "hi": "open {name}",
    "ar": "افتح {name}",
}


class StepFailed(Exception):
    def __init__(self, detail: str, answer: Any = None):
        super().__init__(detail)
        self.answer = answer


@dataclass
class Run:
    publish: SkillPublish
    connection: SmapiConnection
    package: SkillPackage
    package_hash: str
    zip_bytes: bytes
    client: Any

    @property
    def stage(self) -> str:
        return self.publish.stage


def _poll(fetch: Callable[[], Any], status_of: Callable[[Any], str]) -> Any:
    """Ask again while Amazon says IN_PROGRESS: 2 s, growing by 1.1, at most 50 times (the
    ASK CLI's backoff; the settings say)."""
    pause = settings.SMAPI_POLL_SECONDS
    for _ in range(settings.SMAPI_POLL_TRIES):
        answer = fetch()
        if status_of(answer) != "IN_PROGRESS":
            return answer
        time.sleep(pause)
        pause *= settings.SMAPI_POLL_FACTOR
    raise StepFailed("Amazon was still working after the last poll: publish again later.")


def _status(value: Any) -> str:
    return str(getattr(value, "value", value) or "")


def _errors_in_words(errors: list | None) -> list[str]:
    return [str(getattr(e, "message", "") or e) for e in errors or []]


# --- the steps -------------------------------------------------------------------------------


def step_import(run: Run) -> tuple[str, str, Any]:
    connection = run.connection
    if connection.skill_id and connection.package_hash == run.package_hash:
        return SKIPPED, "Amazon already has this package (same hash): not sent again.", None
    client = run.client
    upload = call("the upload address", client.create_upload_url_v1).body
    try:
        put = http.request(
            "PUT",
            upload.upload_url,
            allowed=upload_hosts(sandbox=connection.sandbox, upload_url=upload.upload_url),
            timeout=settings.SMAPI_TIMEOUT_SECONDS,
            data=run.zip_bytes,
        )
    except http.Unreachable as exc:
        raise StepFailed(f"The package could not be uploaded: {exc}") from exc
    if put.status_code >= 300:
        raise StepFailed(f"The upload address refused the package (HTTP {put.status_code}).")
    if connection.skill_id:
        started = call(
            "the package import",
            client.import_skill_package_v1,
            UpdateSkillWithPackageRequest(location=upload.upload_url),
            connection.skill_id,
        )
    else:
        started = call(
            "the new skill",
            client.create_skill_package_v1,
            CreateSkillWithPackageRequest(
                vendor_id=connection.vendor_id, location=upload.upload_url
            ),
        )
    location = dict(started.headers or []).get("Location") or dict(
        (k.lower(), v) for k, v in started.headers or []
    ).get("location", "")
    import_id = location.rstrip("/").rsplit("/", 1)[-1]
    if not import_id:
        raise StepFailed("Amazon started the import without saying where to follow it.")

    def import_status(answer) -> str:
        # The new skill's id comes with the first answer: kept at once, so that a publish
        # stopped before the import ends goes on with this skill instead of making another.
        found = answer.skill.skill_id if answer.skill else None
        if found and found != connection.skill_id:
            services.smapi_skill_record(connection=connection, skill_id=found)
        return _status(answer.status)

    status = _poll(
        lambda: call("the import status", client.get_import_status_v1, import_id).body,
        import_status,
    )
    answer = answer_json(status)
    if _status(status.status) != "SUCCEEDED":
        words = "; ".join(_errors_in_words(status.errors)) or "no reason given"
        raise StepFailed(f"Amazon refused the package: {words}", answer)
    skill_id = connection.skill_id
    services.publish_skill_id_record(publish=run.publish, skill_id=skill_id)
    services.smapi_sent_record(connection=connection, package_hash=run.package_hash)
    return SUCCEEDED, f"Package imported into skill {skill_id}.", answer


def step_account_linking(run: Run) -> tuple[str, str, Any]:
    alexa_client = alexa_client_of_store(run.package.store)
    if alexa_client is None:
        return SKIPPED, "The store has no account-linking client: nothing to configure.", None
    settings_now = account_linking_request(alexa_client)["accountLinkingRequest"]
    digest = hashlib.sha256(json.dumps(settings_now, sort_keys=True).encode()).hexdigest()
    if run.connection.account_linking_hash == digest:
        return SKIPPED, "Amazon already has these account-linking settings.", None
    # The secret exists in plain text only when made: a new one goes to Amazon at once.
    alexa_client, secret = alexa_client_rotate(
        store=run.package.store, redirect_uris=None, actor_label="publish"
    )
    body = account_linking_request(alexa_client, client_secret=secret)
    request = typed(
        body,
        "ask_smapi_model.v1.skill.account_linking.account_linking_request.AccountLinkingRequest",
    )
    call(
        "the account-linking settings",
        run.client.update_account_linking_info_v1,
        run.connection.skill_id,
        run.stage,
        request,
    )
    services.smapi_sent_record(connection=run.connection, account_linking_hash=digest)
    shown = {**settings_now, "clientSecret": "(a new secret, sent once)"}
    return SUCCEEDED, "Account linking configured (a new client secret was made and sent).", shown


def step_in_skill_products(run: Run) -> tuple[str, str, Any]:
    store = run.package.store
    products = list(
        InSkillProduct.objects.filter(store=store)
        .prefetch_related("localizations", "prices")
        .order_by("reference_name")
    )
    if not products:
        return SKIPPED, "The store sells no in-skill products.", None
    model = "ask_smapi_model.v1.isp.in_skill_product_definition.InSkillProductDefinition"
    answers, done = [], []
    for product in products:
        definition = typed(product_definition(store, product), model)
        if product.amazon_synced_at is None:
            created = call(
                f"product {product.reference_name}",
                run.client.create_isp_for_vendor_v1,
                CreateInSkillProductRequest(
                    vendor_id=run.connection.vendor_id, in_skill_product_definition=definition
                ),
            )
            product_id = created.body.product_id
            done.append(f"{product.reference_name} created ({product_id})")
        else:
            product_id = product.amazon_product_id
            call(
                f"product {product.reference_name}",
                run.client.update_isp_for_product_v1,
                product_id,
                run.stage,
                UpdateInSkillProductRequest(in_skill_product_definition=definition),
            )
            done.append(f"{product.reference_name} updated")
        product_amazon_sync_record(product=product, amazon_product_id=product_id)
        call(
            f"associating {product.reference_name}",
            run.client.associate_isp_with_skill_v1,
            product_id,
            run.connection.skill_id,
        )
        answers.append({"referenceName": product.reference_name, "productId": product_id})
    return SUCCEEDED, "; ".join(done) + "; all associated with the skill.", answers


def step_build(run: Run) -> tuple[str, str, Any]:
    skill_id = run.connection.skill_id

    def states(answer) -> list[str]:
        models = answer.interaction_model or {}
        return [
            _status(m.last_update_request.status) for m in models.values() if m.last_update_request
        ]

    status = _poll(
        lambda: call("the build status", run.client.get_skill_status_v1, skill_id).body,
        lambda answer: "IN_PROGRESS" if "IN_PROGRESS" in states(answer) else "DONE",
    )
    answer = answer_json(status)
    problems, warnings, built = [], [], []
    for locale, model in sorted((status.interaction_model or {}).items()):
        last = model.last_update_request
        if last is None:
            continue
        problems += [f"{locale}: {w}" for w in _errors_in_words(last.errors)]
        warnings += [f"{locale}: {w}" for w in _errors_in_words(last.warnings)]
        if _status(last.status) == "SUCCEEDED":
            built.append(locale)
        elif not last.errors:
            problems.append(f"{locale}: the build ended {_status(last.status)}")
    if problems:
        raise StepFailed("The interaction model did not build: " + "; ".join(problems), answer)
    detail = f"Built: {', '.join(built) or 'nothing to build'}."
    if warnings:
        return WARNING, f"{detail} Warnings: {'; '.join(warnings)}", answer
    return SUCCEEDED, detail, answer


def step_enablement(run: Run) -> tuple[str, str, Any]:
    skill_id = run.connection.skill_id
    try:
        call("the enablement", run.client.get_skill_enablement_status_v1, skill_id, run.stage)
        return SKIPPED, "Already enabled for testing in the development stage.", None
    except SmapiError as exc:
        if exc.status != 404:
            raise
    call("enabling the skill", run.client.set_skill_enablement_v1, skill_id, run.stage)
    return SUCCEEDED, "Enabled for testing in the development stage.", None


def step_validations(run: Run) -> tuple[str, str, Any]:
    skill_id, locales = run.connection.skill_id, run.package.store.locales()
    started = call(
        "the validations",
        run.client.submit_skill_validation_v1,
        ValidationsApiRequest(locales=list[object](locales)),
        skill_id,
        run.stage,
    ).body
    result = _poll(
        lambda: (
            call(
                "the validation status",
                run.client.get_skill_validations_v1,
                skill_id,
                started.id,
                run.stage,
            ).body
        ),
        lambda answer: _status(answer.status),
    )
    answer = answer_json(result)
    failing = [
        f"{v.locale or 'all locales'}: {v.title or ''} {v.description or ''}".strip()
        for v in (result.result.validations if result.result else None) or []
        if _status(v.status) == "FAILED"
    ]
    if _status(result.status) == "SUCCESSFUL" and not failing:
        return SUCCEEDED, f"Every validation passed in {', '.join(locales)}.", answer
    words = "; ".join(failing) or f"the validations ended {_status(result.status)}"
    if run.publish.submit:
        raise StepFailed(f"Certification would refuse the skill: {words}", answer)
    return WARNING, f"To fix before submitting: {words}", answer


def step_simulation(run: Run) -> tuple[str, str, Any]:
    store = run.package.store
    skill_id, answers, heard = run.connection.skill_id, [], []
    for locale in store.locales():
        phrase = LAUNCH_PHRASES.get(locale.split("-")[0], LAUNCH_PHRASES["en"])
        utterance = phrase.format(name=store.invocation_name)
        request = SimulationsApiRequest(
            input=Input(content=utterance),
            device=Device(locale=locale),
            session=Session(mode=SessionMode.FORCE_NEW_SESSION),
        )
        started = call(
            "the simulation", run.client.simulate_skill_v2, skill_id, run.stage, request
        ).body
        result = _poll(
            functools.partial(_simulation_result, run, started.id),
            lambda answer: _status(answer.status),
        )
        answer = answer_json(result)
        answers.append({"locale": locale, "utterance": utterance, "answer": answer})
        speech = _speech(answer)
        endpoints = _endpoints(answer)
        if _status(result.status) != "SUCCESSFUL" or not speech:
            raise StepFailed(f'{locale}: "{utterance}" came back without speech.', answers)
        if endpoints and store.alexa_endpoint_url() not in endpoints:
            raise StepFailed(
                f"{locale}: the skill answered from {', '.join(endpoints)}, not from this "
                f"portal's {store.alexa_endpoint_url()}.",
                answers,
            )
        heard.append(f'{locale}: "{utterance}" → "{speech}"')
    return SUCCEEDED, "; ".join(heard), answers


def _simulation_result(run: Run, simulation_id: str) -> Any:
    return call(
        "the simulation result",
        run.client.get_skill_simulation_v2,
        run.connection.skill_id,
        run.stage,
        simulation_id,
    ).body


def _invocations(answer: dict) -> list[dict]:
    result = (answer or {}).get("result") or {}
    return ((result.get("skillExecutionInfo") or {}).get("invocations")) or []


def _speech(answer: dict) -> str:
    for invocation in _invocations(answer):
        body = ((invocation.get("invocationResponse") or {}).get("body")) or {}
        speech = (body.get("response") or {}).get("outputSpeech") or {}
        text = speech.get("text") or re.sub(r"<[^>]+>", "", str(speech.get("ssml") or ""))
        if text.strip():
            return str(text).strip()
    return ""


def _endpoints(answer: dict) -> list[str]:
    return [
        str((i.get("invocationRequest") or {}).get("endpoint"))
        for i in _invocations(answer)
        if (i.get("invocationRequest") or {}).get("endpoint")
    ]


def step_submission(run: Run) -> tuple[str, str, Any]:
    if not run.publish.submit:
        return SKIPPED, "Not submitted for certification (not asked).", None
    call(
        "the submission",
        run.client.submit_skill_for_certification_v1,
        run.connection.skill_id,
        submit_skill_for_certification_request=SubmitSkillForCertificationRequest(
            publication_method=PublicationMethod.MANUAL_PUBLISHING
        ),
    )
    return SUCCEEDED, "Submitted for certification (you publish it once it passes).", None
