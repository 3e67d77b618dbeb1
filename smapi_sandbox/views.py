"""SMAPI's skill operations in the sandbox (``/sandbox/smapi/v1/...``): vendors, skills and
their manifests, package uploads and imports, interaction models, the skill's status,
enablement and the account-linking client. Every operation is scoped by the caller's
vendor; another vendor's skill is "not found"."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from . import skills
from .common import DEVELOPMENT, Refused
from .http import body_of, error, no_content, smapi
from .models import Vendor


def _with_etag(body: dict, etag: str, status: int = 200) -> JsonResponse:
    response = JsonResponse(body, status=status)
    response["ETag"] = etag
    return response


@smapi({"GET"})
def vendors(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    return JsonResponse(
        {
            "vendors": [
                {"name": vendor.name, "id": vendor.vendor_id, "roles": ["ROLE_ADMINISTRATOR"]}
            ]
        }
    )


@smapi({"GET", "POST"})
def skill_collection(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    if request.method == "GET":
        if request.GET.get("vendorId") != vendor.vendor_id:
            raise Refused(400, "vendorId is required and must be your vendor id.")
        return JsonResponse({"skills": skills.skill_summaries(vendor=vendor), "isTruncated": False})
    data = body_of(request)
    if data.get("vendorId") != vendor.vendor_id:
        raise Refused(400, "vendorId is required and must be your vendor id.")
    if not isinstance(data.get("manifest"), dict):
        raise Refused(400, "manifest is required.")
    skill = skills.skill_create(vendor=vendor, manifest={"manifest": data["manifest"]})
    response = JsonResponse({"skillId": skill.skill_id}, status=202)
    response["Location"] = f"/v1/skills/{skill.skill_id}/status?resource=manifest"
    return response


@smapi({"GET", "PUT"})
def manifest(request: HttpRequest, vendor: Vendor, skill_id: str, stage: str) -> HttpResponse:
    row = skills.stage_of(vendor=vendor, skill_id=skill_id, stage=stage)
    if request.method == "GET":
        return _with_etag(row.manifest, row.manifest_etag)
    data = body_of(request)
    if not isinstance(data.get("manifest"), dict):
        raise Refused(400, "manifest is required.")
    skills.manifest_update(stage=row, manifest=data, if_match=request.headers.get("If-Match"))
    return no_content(202, Location=f"/v1/skills/{skill_id}/status?resource=manifest")


@smapi({"GET", "HEAD", "PUT"})
def interaction_model(
    request: HttpRequest, vendor: Vendor, skill_id: str, stage: str, locale: str
) -> HttpResponse:
    row = skills.stage_of(vendor=vendor, skill_id=skill_id, stage=stage)
    model = row.models.filter(locale=locale).first()
    if request.method in {"GET", "HEAD"}:
        if model is None:
            raise Refused(404, f"Interaction model for locale {locale} not found.")
        if request.method == "HEAD":
            return no_content(204, ETag=model.etag)
        return _with_etag(model.model, model.etag)
    data = body_of(request)
    language_model = (data.get("interactionModel") or {}).get("languageModel")
    if not isinstance(language_model, dict):
        raise Refused(400, "interactionModel.languageModel is required.")
    skills.model_update(
        stage=row, locale=locale, model=data, if_match=request.headers.get("If-Match")
    )
    return no_content(202, Location=f"/v1/skills/{skill_id}/status?resource=interactionModel")


@smapi({"GET"})
def status(request: HttpRequest, vendor: Vendor, skill_id: str) -> HttpResponse:
    skill = skills.skill_of(vendor=vendor, skill_id=skill_id)
    resources = request.GET.getlist("resource")
    if set(resources) - {"manifest", "interactionModel"}:
        raise Refused(400, "resource must be manifest or interactionModel.")
    return JsonResponse(skills.skill_status(skill=skill, resources=resources))


@smapi({"POST"})
def uploads(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    upload = skills.upload_create(vendor=vendor)
    url = request.build_absolute_uri(f"/sandbox/smapi/uploads/{upload.upload_id}")
    expires = upload.expires_at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return JsonResponse({"uploadUrl": url, "expiresAt": expires}, status=201)


@csrf_exempt
def upload_put(request: HttpRequest, upload_id: str) -> HttpResponse:
    """The upload URL: takes the zip as S3 would (PUT, no token)."""
    if request.method != "PUT":
        return error(405, "Only PUT is supported here.")
    if not skills.upload_store(upload_id=upload_id, content=request.body):
        return error(404, "The upload URL is unknown or has expired.")
    return no_content(200)


def _import_response(row) -> HttpResponse:
    return no_content(202, Location=f"/v1/skills/imports/{row.import_id}")


@smapi({"POST"})
def imports_new(request: HttpRequest, vendor: Vendor) -> HttpResponse:
    data = body_of(request)
    if data.get("vendorId", vendor.vendor_id) != vendor.vendor_id:
        raise Refused(400, "vendorId must be your vendor id.")
    if not isinstance(data.get("location"), str):
        raise Refused(400, "location is required.")
    row = skills.import_create(vendor=vendor, location=data["location"], skill=None, if_match=None)
    return _import_response(row)


@smapi({"POST"})
def imports_update(request: HttpRequest, vendor: Vendor, skill_id: str) -> HttpResponse:
    skill = skills.skill_of(vendor=vendor, skill_id=skill_id)
    data = body_of(request)
    if not isinstance(data.get("location"), str):
        raise Refused(400, "location is required.")
    row = skills.import_create(
        vendor=vendor,
        location=data["location"],
        skill=skill,
        if_match=request.headers.get("If-Match"),
    )
    return _import_response(row)


@smapi({"GET"})
def import_status(request: HttpRequest, vendor: Vendor, import_id: str) -> HttpResponse:
    return JsonResponse(skills.import_status(vendor=vendor, import_id=import_id))


@smapi({"GET", "PUT", "DELETE"})
def enablement(request: HttpRequest, vendor: Vendor, skill_id: str, stage: str) -> HttpResponse:
    row = skills.stage_of(vendor=vendor, skill_id=skill_id, stage=stage)
    if request.method == "GET":
        if not row.enabled:
            raise Refused(404, f"Skill {skill_id} is not enabled in stage {stage}.")
        return no_content(204)
    if request.method == "PUT" and stage != DEVELOPMENT:
        raise Refused(400, "Only the development stage can be enabled for testing.")
    skills.enablement_set(stage=row, enabled=request.method == "PUT")
    return no_content(204)


@smapi({"GET", "PUT", "DELETE"})
def account_linking(
    request: HttpRequest, vendor: Vendor, skill_id: str, stage: str
) -> HttpResponse:
    row = skills.stage_of(vendor=vendor, skill_id=skill_id, stage=stage)
    if request.method == "GET":
        if row.account_linking is None:
            raise Refused(404, f"Skill {skill_id} has no account linking in stage {stage}.")
        shown = {k: v for k, v in row.account_linking.items() if k in skills.SHOWN_LINKING}
        return _with_etag(shown, row.account_linking_etag)
    if request.method == "DELETE":
        if row.account_linking is None:
            raise Refused(404, f"Skill {skill_id} has no account linking in stage {stage}.")
        skills.account_linking_set(stage=row, request=None, if_match=None)
        return no_content(204)
    payload = body_of(request).get("accountLinkingRequest")
    if not isinstance(payload, dict):
        raise Refused(400, "accountLinkingRequest is required.")
    if payload.get("type") not in {"AUTH_CODE", "IMPLICIT"}:
        raise Refused(400, "accountLinkingRequest.type must be AUTH_CODE or IMPLICIT.")
    if not payload.get("authorizationUrl") or not payload.get("clientId"):
        raise Refused(400, "authorizationUrl and clientId are required.")
    skills.account_linking_set(stage=row, request=payload, if_match=request.headers.get("If-Match"))
    row.refresh_from_db()
    return no_content(204, ETag=row.account_linking_etag)
