"""In-skill products and their association, the account-linking client, enablement,
validations and certification submissions, each answer checked against Amazon's description."""

import copy

import pytest

from smapi_sandbox.models import Certification, Product, Stage

from .swagger import check
from .test_skills import MANIFEST, MODEL

DEFINITION = {
    "version": "1.0",
    "type": "ENTITLEMENT",
    "referenceName": "shaving_guide",
    "publishingInformation": {
        "locales": {"en-US": {"name": "Shaving guide", "summary": "How to shave."}},
        "distributionCountries": ["US"],
        "pricing": {
            "amazon.com": {
                "releaseDate": "2026-01-01T00:00Z",
                "defaultPriceListing": {"price": 1.99, "currency": "USD"},
            }
        },
        "taxInformation": {"category": "SOFTWARE"},
    },
    "privacyAndCompliance": {"locales": {"en-US": {"privacyPolicyUrl": "https://x.org/p"}}},
    "testingInstructions": "Buy it.",
}
LINKING = {
    "type": "AUTH_CODE",
    "authorizationUrl": "https://shop.example.org/o/authorize/",
    "accessTokenUrl": "https://shop.example.org/o/token/",
    "clientId": "alexa-client",
    "clientSecret": "s3cret",
    "scopes": ["profile"],
    "accessTokenScheme": "HTTP_BASIC",
    "domains": [],
}


@pytest.fixture
def skill_id(smapi, creds):
    skill_id = smapi("POST", "/v1/skills", {"vendorId": creds.vendor_id, **MANIFEST}).json()[
        "skillId"
    ]
    path = f"/v1/skills/{skill_id}/stages/development/interactionModel/locales/en-US"
    smapi("PUT", path, MODEL)
    return skill_id


def test_products_create_get_update_list_and_associate(smapi, creds, skill_id):
    created = smapi(
        "POST",
        "/v1/inSkillProducts",
        {"vendorId": creds.vendor_id, "inSkillProductDefinition": DEFINITION},
    )
    product_id = check(created, "POST", "/v1/inSkillProducts")["productId"]
    assert created.status_code == 201 and product_id.startswith("amzn1.adg.product.")
    path = f"/v1/inSkillProducts/{product_id}/stages/development"
    got = smapi("GET", path)
    assert check(got, "GET", "/v1/inSkillProducts/{productId}/stages/{stage}") == {
        "inSkillProductDefinition": DEFINITION
    }
    changed = copy.deepcopy(DEFINITION)
    changed["publishingInformation"]["locales"]["en-US"]["name"] = "The shaving guide"
    stale = smapi("PUT", path, {"inSkillProductDefinition": changed}, **{"If-Match": "old"})
    assert stale.status_code == 412
    check(stale, "PUT", "/v1/inSkillProducts/{productId}/stages/{stage}")
    ok = smapi("PUT", path, {"inSkillProductDefinition": changed}, **{"If-Match": got["ETag"]})
    assert ok.status_code == 204

    listed = smapi("GET", f"/v1/inSkillProducts?vendorId={creds.vendor_id}")
    summaries = check(listed, "GET", "/v1/inSkillProducts")["inSkillProductSummaryList"]
    assert [(p["productId"], p["nameByLocale"]) for p in summaries["inSkillProducts"]] == [
        (product_id, {"en-US": "The shaving guide"})
    ]
    of_skill = f"/v1/skills/{skill_id}/stages/development/inSkillProducts"
    skill_path = "/v1/skills/{skillId}/stages/{stage}/inSkillProducts"
    before = check(smapi("GET", of_skill), "GET", skill_path)
    assert before["inSkillProductSummaryList"]["inSkillProducts"] == []
    associate = smapi("PUT", f"/v1/inSkillProducts/{product_id}/skills/{skill_id}")
    assert associate.status_code == 204
    after = check(smapi("GET", of_skill), "GET", skill_path)
    assert [p["referenceName"] for p in after["inSkillProductSummaryList"]["inSkillProducts"]] == [
        "shaving_guide"
    ]
    smapi("DELETE", f"/v1/inSkillProducts/{product_id}/skills/{skill_id}")
    assert Product.objects.get().skills.count() == 0


def test_a_product_without_type_or_a_second_with_the_same_name_is_refused(smapi, creds):
    body = {"vendorId": creds.vendor_id, "inSkillProductDefinition": DEFINITION}
    assert smapi("POST", "/v1/inSkillProducts", body).status_code == 201
    again = smapi("POST", "/v1/inSkillProducts", body)
    assert check(again, "POST", "/v1/inSkillProducts") == {
        "message": "An in-skill product with referenceName shaving_guide already exists."
    }
    untyped = {**DEFINITION, "type": "GIFT", "referenceName": "other"}
    bad = smapi(
        "POST",
        "/v1/inSkillProducts",
        {"vendorId": creds.vendor_id, "inSkillProductDefinition": untyped},
    )
    assert bad.status_code == 400
    assert Product.objects.count() == 1


def test_account_linking_client_put_get_delete(smapi, skill_id):
    path = f"/v1/skills/{skill_id}/stages/development/accountLinkingClient"
    swagger = "/v1/skills/{skillId}/stages/{stageV2}/accountLinkingClient"
    none = smapi("GET", path)
    assert none.status_code == 404
    check(none, "GET", swagger)
    put = smapi("PUT", path, {"accountLinkingRequest": LINKING})
    check(put, "PUT", swagger)
    assert put.status_code == 204 and put["ETag"]
    got = smapi("GET", path)
    body = check(got, "GET", swagger)
    assert "clientSecret" not in body
    assert body["clientId"] == "alexa-client" and body["type"] == "AUTH_CODE"
    vendor_id = Stage.objects.get().skill.vendor.vendor_id
    assert body["redirectUrls"] == [
        f"https://pitangui.amazon.com/api/skill/link/{vendor_id}",
        f"https://layla.amazon.com/api/skill/link/{vendor_id}",
        f"https://alexa.amazon.co.jp/api/skill/link/{vendor_id}",
    ]
    assert got["ETag"] == put["ETag"]
    stale = smapi("PUT", path, {"accountLinkingRequest": LINKING}, **{"If-Match": "x"})
    assert stale.status_code == 412
    invalid = smapi("PUT", path, {"accountLinkingRequest": {**LINKING, "type": "MAGIC"}})
    assert invalid.status_code == 400
    check(invalid, "PUT", swagger)
    assert smapi("DELETE", path).status_code == 204
    assert smapi("GET", path).status_code == 404


def test_enablement_is_404_until_enabled(smapi, skill_id):
    path = f"/v1/skills/{skill_id}/stages/development/enablement"
    swagger = "/v1/skills/{skillId}/stages/{stage}/enablement"
    before = smapi("GET", path)
    assert before.status_code == 404
    check(before, "GET", swagger)
    assert smapi("PUT", path).status_code == 204
    assert smapi("GET", path).status_code == 204
    assert Stage.objects.get().enabled is True


def test_validations_run_per_locale(smapi, skill_id):
    path = f"/v1/skills/{skill_id}/stages/development/validations"
    started = smapi("POST", path, {"locales": ["en-US", "de-DE"]})
    body = check(started, "POST", "/v1/skills/{skillId}/stages/{stage}/validations")
    assert started.status_code == 202 and body["status"] == "IN_PROGRESS"
    swagger = "/v1/skills/{skillId}/stages/{stage}/validations/{validationId}"
    first = check(smapi("GET", started["Location"]), "GET", swagger)
    assert first == {"id": body["id"], "status": "IN_PROGRESS"}
    done = check(smapi("GET", started["Location"]), "GET", swagger)
    assert done["status"] == "FAILED"
    table = [
        (v["locale"], v["title"], v["importance"], v["status"])
        for v in done["result"]["validations"]
    ]
    assert table == [
        ("en-US", "Interaction model", "REQUIRED", "SUCCESSFUL"),
        ("en-US", "Endpoint", "REQUIRED", "SUCCESSFUL"),
        ("en-US", "Skill name", "REQUIRED", "SUCCESSFUL"),
        ("en-US", "Privacy policy", "RECOMMENDED", "FAILED"),
        ("de-DE", "Interaction model", "REQUIRED", "FAILED"),
        ("de-DE", "Endpoint", "REQUIRED", "SUCCESSFUL"),
        ("de-DE", "Skill name", "REQUIRED", "FAILED"),
        ("de-DE", "Privacy policy", "RECOMMENDED", "FAILED"),
    ]
    assert smapi("POST", path, {"locales": []}).status_code == 400


def test_submission_for_certification_is_recorded(smapi, skill_id):
    submitted = smapi(
        "POST", f"/v1/skills/{skill_id}/submit", {"publicationMethod": "MANUAL_PUBLISHING"}
    )
    check(submitted, "POST", "/v1/skills/{skillId}/submit")
    assert submitted.status_code == 202
    row = Certification.objects.get()
    assert row.publication_method == "MANUAL_PUBLISHING"
    assert submitted["Location"] == f"/v1/skills/{skill_id}/certifications/{row.certification_id}"
    listed = smapi("GET", f"/v1/skills/{skill_id}/certifications")
    body = check(listed, "GET", "/v1/skills/{skillId}/certifications")
    assert [(c["id"], c["status"]) for c in body["items"]] == [
        (row.certification_id, "IN_PROGRESS")
    ]
    bad = smapi("POST", f"/v1/skills/{skill_id}/submit", {"publicationMethod": "SOMETIME"})
    assert bad.status_code == 400
    assert Certification.objects.count() == 1
