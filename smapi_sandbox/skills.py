"""Skills, manifests, packages and interaction models in the sandbox: the writes, and the
bodies SMAPI answers with (``v1.skill.*`` in Amazon's description).

Asynchronous work answers IN_PROGRESS until it is due (``is_due``): its ``ready_at``
(``SMAPI_SANDBOX_DELAY_SECONDS`` after the request) has passed and it was polled once
before, so a client always sees it in progress once, then done.
"""

import uuid
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from .builds import build_errors
from .common import DEVELOPMENT, STAGES, Refused, check_if_match, etag_of, is_due, later, new_id
from .models import Import, InteractionModel, Skill, Stage, Upload, Vendor
from .packages import PackageError, read_package
from .products import products_import

UPLOAD_HOURS = 1


# Reads -------------------------------------------------------------------------------------


def skill_of(*, vendor: Vendor, skill_id: str) -> Skill:
    skill = Skill.objects.filter(vendor=vendor, skill_id=skill_id).first()
    if skill is None:
        raise Refused(404, f"Skill with id {skill_id} not found.")
    return skill


def stage_of(*, vendor: Vendor, skill_id: str, stage: str) -> Stage:
    skill = skill_of(vendor=vendor, skill_id=skill_id)
    if stage not in STAGES:
        raise Refused(400, f"Stage {stage} is not a valid stage.")
    row = Stage.objects.filter(skill=skill, stage=stage).first()
    if row is None or not row.manifest:
        raise Refused(404, f"Skill with id {skill_id} not found in stage {stage}.")
    return row


def manifest_status(stage: Stage) -> dict:
    done = stage.manifest_ready_at is None or timezone.now() >= stage.manifest_ready_at
    update = {"status": "SUCCEEDED" if done else "IN_PROGRESS"}
    if done and stage.manifest_errors:
        update = {"status": "FAILED", "errors": stage.manifest_errors}
    return {"lastUpdateRequest": update, "eTag": stage.manifest_etag}


def model_status(row: InteractionModel) -> dict:
    if not is_due(row.build_ready_at, row.build_polls):
        InteractionModel.objects.filter(pk=row.pk).update(build_polls=row.build_polls + 1)
        status, steps = "IN_PROGRESS", "IN_PROGRESS"
    else:
        status = steps = "FAILED" if row.build_errors else "SUCCEEDED"
    update: dict = {
        "status": status,
        "buildDetails": {
            "steps": [
                {"name": "LANGUAGE_MODEL_QUICK_BUILD", "status": steps},
                {"name": "LANGUAGE_MODEL_FULL_BUILD", "status": steps},
            ]
        },
    }
    if status == "FAILED":
        update["errors"] = row.build_errors
        update["buildDetails"]["steps"][0]["errors"] = row.build_errors
    return {"lastUpdateRequest": update, "eTag": row.etag, "version": str(row.version)}


def skill_status(*, skill: Skill, resources: list[str]) -> dict:
    """SMAPI's ``SkillStatus`` of the development stage (``resources``: "manifest",
    "interactionModel"; none: both)."""
    stage = Stage.objects.filter(skill=skill, stage=DEVELOPMENT).first()
    body: dict = {}
    if stage is None or not stage.manifest:
        return body
    wanted = set(resources) or {"manifest", "interactionModel"}
    if "manifest" in wanted:
        body["manifest"] = manifest_status(stage)
    if "interactionModel" in wanted:
        body["interactionModel"] = {
            row.locale: model_status(row) for row in stage.models.order_by("locale")
        }
    return body


def skill_summaries(*, vendor: Vendor) -> list[dict]:
    """SMAPI's ``SkillSummary`` of each of the vendor's skills (development stage)."""
    summaries = []
    for stage in Stage.objects.filter(skill__vendor=vendor, stage=DEVELOPMENT).select_related(
        "skill"
    ):
        manifest = stage.manifest.get("manifest") or {}
        listing = (manifest.get("publishingInformation") or {}).get("locales") or {}
        summaries.append(
            {
                "skillId": stage.skill.skill_id,
                "stage": DEVELOPMENT,
                "apis": [api for api in (manifest.get("apis") or {}) if api == "custom"],
                "publicationStatus": "DEVELOPMENT",
                "lastUpdated": stage.skill.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "nameByLocale": {loc: data.get("name", "") for loc, data in listing.items()},
            }
        )
    return sorted(summaries, key=lambda s: s["skillId"])


# Writes ------------------------------------------------------------------------------------


def _stage(skill: Skill) -> Stage:
    stage, _ = Stage.objects.get_or_create(skill=skill, stage=DEVELOPMENT)
    return stage


def _set_manifest(stage: Stage, envelope: dict, *, at: datetime) -> None:
    stage.manifest = envelope
    stage.manifest_etag = etag_of(envelope)
    stage.manifest_errors = []
    stage.manifest_ready_at = at
    stage.save()


@transaction.atomic
def skill_create(*, vendor: Vendor, manifest: dict) -> Skill:
    """``POST /v1/skills``: a new skill with ``manifest`` (a ``SkillManifestEnvelope``)."""
    skill = Skill.objects.create(vendor=vendor, skill_id=new_id("amzn1.ask.skill."))
    _set_manifest(_stage(skill), manifest, at=later())
    return skill


@transaction.atomic
def manifest_update(*, stage: Stage, manifest: dict, if_match: str | None) -> Stage:
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    check_if_match(if_match, stage.manifest_etag)
    if stage.stage != DEVELOPMENT:
        raise Refused(400, "Only the development stage can be updated.")
    _set_manifest(stage, manifest, at=later())
    return stage


@transaction.atomic
def model_update(
    *, stage: Stage, locale: str, model: dict, if_match: str | None
) -> InteractionModel:
    """``PUT .../interactionModel/locales/{locale}``: the model is kept and built."""
    if stage.stage != DEVELOPMENT:
        raise Refused(400, "Only the development stage can be updated.")
    row = InteractionModel.objects.select_for_update().filter(stage=stage, locale=locale).first()
    if row is not None:
        check_if_match(if_match, row.etag)
    return _put_model(stage, locale, model, row=row, ready_at=later(), polls=0)


def _put_model(stage, locale, model, *, row, ready_at, polls) -> InteractionModel:
    fields = {
        "model": model,
        "etag": etag_of(model),
        "build_errors": build_errors(model, locale),
        "build_ready_at": ready_at,
        "build_polls": polls,
    }
    if row is None:
        return InteractionModel.objects.create(stage=stage, locale=locale, **fields)
    for name, value in fields.items():
        setattr(row, name, value)
    row.version += 1
    row.save()
    return row


def upload_create(*, vendor: Vendor) -> Upload:
    return Upload.objects.create(
        vendor=vendor,
        upload_id=uuid.uuid4().hex + uuid.uuid4().hex,
        expires_at=timezone.now() + timedelta(hours=UPLOAD_HOURS),
    )


def upload_store(*, upload_id: str, content: bytes) -> bool:
    """The zip PUT to an upload URL (no token: the URL is the secret, as S3's are)."""
    return bool(
        Upload.objects.filter(upload_id=upload_id, expires_at__gt=timezone.now()).update(
            content=content
        )
    )


def upload_id_of(location: str) -> str:
    return location.rstrip("/").rsplit("/", 1)[-1]


@transaction.atomic
def import_create(
    *, vendor: Vendor, location: str, skill: Skill | None, if_match: str | None
) -> Import:
    """``POST /v1/skills/imports`` (``skill`` None: a new skill) or
    ``/v1/skills/{skillId}/imports``: checked now, applied when first found due."""
    if not Upload.objects.filter(vendor=vendor, upload_id=upload_id_of(location)).exists():
        raise Refused(400, "The location is not an upload URL of this vendor.")
    if skill is None:
        skill = Skill.objects.create(vendor=vendor, skill_id=new_id("amzn1.ask.skill."))
    else:
        stage = _stage(skill)
        check_if_match(if_match, stage.manifest_etag)
    return Import.objects.create(
        vendor=vendor,
        import_id=new_id("amzn1.ask-package.import."),
        skill=skill,
        location=location,
        ready_at=later(),
    )


def import_status(*, vendor: Vendor, import_id: str) -> dict:
    """SMAPI's ``ImportResponse``; the package is applied the first time the import is due."""
    with transaction.atomic():
        row = Import.objects.select_for_update().filter(vendor=vendor, import_id=import_id).first()
        if row is None:
            raise Refused(404, f"Import with id {import_id} not found.")
        if row.result is None and is_due(row.ready_at, row.polls):
            row.result = _apply(row)
        row.polls += 1
        row.save(update_fields=["result", "polls"])
    if row.result is not None:
        return row.result
    return {"status": "IN_PROGRESS", "skill": {"skillId": row.skill.skill_id, "resources": []}}


def _failed(skill: Skill, message: str) -> dict:
    error = {"code": "INVALID_PACKAGE", "message": message}
    return {
        "status": "FAILED",
        "errors": [error],
        "skill": {"skillId": skill.skill_id, "resources": []},
    }


def _apply(row: Import) -> dict:
    skill = row.skill
    upload = Upload.objects.filter(upload_id=upload_id_of(row.location)).first()
    if upload is None or upload.content is None:
        return _failed(skill, "Nothing was uploaded to the package location.")
    try:
        package = read_package(bytes(upload.content))
    except PackageError as exc:
        return _failed(skill, str(exc))
    stage = _stage(skill)
    action = "UPDATE" if stage.manifest else "CREATE"
    now = timezone.now()
    _set_manifest(stage, package.manifest, at=now)
    resources: list[dict[str, object]] = [
        {"name": "Manifest", "action": action, "status": "SUCCEEDED"}
    ]
    existing = {m.locale: m for m in stage.models.all()}
    stage.models.exclude(locale__in=list(package.models)).delete()
    for locale, model in sorted(package.models.items()):
        built = _put_model(stage, locale, model, row=existing.get(locale), ready_at=now, polls=1)
        resource: dict[str, object] = {
            "name": f"InteractionModel.{locale}",
            "action": "UPDATE" if locale in existing else "CREATE",
            "status": "FAILED" if built.build_errors else "SUCCEEDED",
        }
        if built.build_errors:
            resource["errors"] = built.build_errors
        resources.append(resource)
    for product in products_import(skill=skill, definitions=package.products):
        resources.append(product)
    failed = any(r["status"] == "FAILED" for r in resources)
    return {
        "status": "FAILED" if failed else "SUCCEEDED",
        "skill": {"skillId": skill.skill_id, "eTag": stage.manifest_etag, "resources": resources},
    }


def enablement_set(*, stage: Stage, enabled: bool) -> None:
    """``PUT``/``DELETE .../enablement``: the skill enabled for testing, or not."""
    Stage.objects.filter(pk=stage.pk).update(enabled=enabled)


# What GET accountLinkingClient shows of what was PUT (never the client secret).
SHOWN_LINKING = {
    "type",
    "authorizationUrl",
    "domains",
    "clientId",
    "scopes",
    "accessTokenUrl",
    "accessTokenScheme",
    "defaultTokenExpirationInSeconds",
    "redirectUrls",
    "authorizationUrlsByPlatform",
    "voiceForwardAccountLinking",
}
REDIRECT_HOSTS = ["pitangui.amazon.com", "layla.amazon.com", "alexa.amazon.co.jp"]


@transaction.atomic
def account_linking_set(*, stage: Stage, request: dict | None, if_match: str | None) -> None:
    """PUT (``request``: SMAPI's ``accountLinkingRequest``) or DELETE (None)."""
    stage = Stage.objects.select_for_update().get(pk=stage.pk)
    if stage.account_linking is not None:
        check_if_match(if_match, stage.account_linking_etag)
    if request is not None:
        vendor_id = stage.skill.vendor.vendor_id
        request = {
            "redirectUrls": [f"https://{h}/api/skill/link/{vendor_id}" for h in REDIRECT_HOSTS],
            **request,
        }
    stage.account_linking = request
    stage.account_linking_etag = etag_of(request) if request is not None else ""
    stage.save(update_fields=["account_linking", "account_linking_etag"])
