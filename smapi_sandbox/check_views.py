"""SMAPI's validations, simulations (v2) and certification operations in the sandbox."""

from django.http import HttpRequest, HttpResponse, JsonResponse

from . import checks, skills
from .http import body_of, no_content, smapi
from .models import Vendor


@smapi({"POST"})
def validations(request: HttpRequest, vendor: Vendor, skill_id: str, stage: str) -> HttpResponse:
    row = skills.stage_of(vendor=vendor, skill_id=skill_id, stage=stage)
    validation = checks.validation_create(stage=row, locales=body_of(request).get("locales"))
    response = JsonResponse({"id": validation.validation_id, "status": "IN_PROGRESS"}, status=202)
    response["Location"] = (
        f"/v1/skills/{skill_id}/stages/{stage}/validations/{validation.validation_id}"
    )
    return response


@smapi({"GET"})
def validation(
    request: HttpRequest, vendor: Vendor, skill_id: str, stage: str, validation_id: str
) -> HttpResponse:
    row = skills.stage_of(vendor=vendor, skill_id=skill_id, stage=stage)
    return JsonResponse(checks.validation_status(stage=row, validation_id=validation_id))


@smapi({"POST"})
def simulations(request: HttpRequest, vendor: Vendor, skill_id: str, stage: str) -> HttpResponse:
    row = skills.stage_of(vendor=vendor, skill_id=skill_id, stage=stage)
    origin = f"{request.scheme}://{request.get_host()}"
    simulation = checks.simulation_create(stage=row, body=body_of(request), origin=origin)
    response = JsonResponse({"id": simulation.simulation_id, "status": "IN_PROGRESS"})
    response["Location"] = (
        f"/v2/skills/{skill_id}/stages/{stage}/simulations/{simulation.simulation_id}"
    )
    return response


@smapi({"GET"})
def simulation(
    request: HttpRequest, vendor: Vendor, skill_id: str, stage: str, simulation_id: str
) -> HttpResponse:
    row = skills.stage_of(vendor=vendor, skill_id=skill_id, stage=stage)
    return JsonResponse(checks.simulation_status(stage=row, simulation_id=simulation_id))


@smapi({"POST"})
def submit(request: HttpRequest, vendor: Vendor, skill_id: str) -> HttpResponse:
    skill = skills.skill_of(vendor=vendor, skill_id=skill_id)
    body = body_of(request) if request.body else {}
    certification = checks.certification_submit(skill=skill, body=body)
    return no_content(
        202, Location=f"/v1/skills/{skill_id}/certifications/{certification.certification_id}"
    )


@smapi({"GET"})
def certifications(request: HttpRequest, vendor: Vendor, skill_id: str) -> HttpResponse:
    skill = skills.skill_of(vendor=vendor, skill_id=skill_id)
    return JsonResponse(checks.certification_list(skill=skill))
