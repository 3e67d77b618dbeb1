"""The sandbox's tokens, vendors, skills, manifests, uploads and imports, each answer checked
against Amazon's SMAPI description."""

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from merchant.tests.factories import StoreFactory
from smapi_sandbox.models import Import, Skill, Token, Vendor
from voicelab.package import build_skill_package, skill_package_zip

from .swagger import check

MANIFEST = {
    "manifest": {
        "publishingInformation": {"locales": {"en-US": {"name": "Sandboxed"}}},
        "apis": {"custom": {"endpoint": {"uri": "https://shop.example.org/alexa/"}}},
        "manifestVersion": "1.0",
    }
}
MODEL = {
    "interactionModel": {
        "languageModel": {
            "invocationName": "corner shop",
            "intents": [
                {"name": "AMAZON.HelpIntent", "samples": []},
                {
                    "name": "OrderIntent",
                    "slots": [{"name": "Product", "type": "PRODUCT"}],
                    "samples": ["order {Product}", "buy {Product}"],
                },
            ],
            "types": [
                {"name": "PRODUCT", "values": [{"name": {"value": "tea", "synonyms": ["chai"]}}]}
            ],
        }
    }
}


def package_zip(manifest=MANIFEST, models=None, root="") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{root}skill.json", json.dumps(manifest))
        for locale, model in (models if models is not None else {"en-US": MODEL}).items():
            archive.writestr(f"{root}interactionModels/custom/{locale}.json", json.dumps(model))
    return buffer.getvalue()


def upload(smapi, client, content: bytes) -> str:
    answer = smapi("POST", "/v1/skills/uploads")
    body = check(answer, "POST", "/v1/skills/uploads")
    assert answer.status_code == 201
    url = body["uploadUrl"]
    assert url.startswith("http://testserver/sandbox/smapi/uploads/")
    put = client.put(url.removeprefix("http://testserver"), data=content, content_type="")
    assert put.status_code == 200
    return url


def poll_import(smapi, location: str) -> list[dict]:
    """Every answer until the import is done."""
    answers = []
    for _ in range(5):
        answer = smapi("GET", location)
        answers.append(check(answer, "GET", "/v1/skills/imports/{importId}"))
        if answers[-1]["status"] != "IN_PROGRESS":
            return answers
    raise AssertionError(answers)


def test_the_token_command_prints_credentials_the_sandbox_accepts_with_and_without_bearer(
    sandbox_store, client, capsys
):
    call_command("smapi_sandbox_token", "--store", "sandboxed")
    printed = json.loads(capsys.readouterr().out)
    assert set(printed) == {
        "access_token",
        "refresh_token",
        "client_id",
        "client_secret",
        "vendor_id",
    }
    vendor = Vendor.objects.get(store=sandbox_store)
    assert printed["vendor_id"] == vendor.vendor_id and printed["client_id"] == vendor.client_id
    for header in (f"Bearer {printed['access_token']}", printed["access_token"]):
        answer = client.get("/sandbox/smapi/v1/vendors", HTTP_AUTHORIZATION=header)
        body = check(answer, "GET", "/v1/vendors")
        assert body == {
            "vendors": [
                {
                    "name": sandbox_store.name,
                    "id": vendor.vendor_id,
                    "roles": ["ROLE_ADMINISTRATOR"],
                }
            ]
        }


def test_the_token_command_refuses_a_live_store_and_an_unknown_one(db):
    StoreFactory(slug="live", sandbox_mode=False)
    with pytest.raises(CommandError, match="not in sandbox mode"):
        call_command("smapi_sandbox_token", "--store", "live")
    with pytest.raises(CommandError, match="No store"):
        call_command("smapi_sandbox_token", "--store", "nobody")
    assert not Vendor.objects.exists() and not Token.objects.exists()


def test_no_token_a_wrong_one_or_a_store_gone_live_gets_401(client, creds, sandbox_store):
    assert client.get("/sandbox/smapi/v1/vendors").status_code == 401
    wrong = client.get("/sandbox/smapi/v1/vendors", HTTP_AUTHORIZATION="Bearer Atza|nope")
    assert check(wrong, "GET", "/v1/vendors") == {
        "message": "The access token is missing, invalid or expired."
    }
    sandbox_store.sandbox_mode = False
    sandbox_store.save()
    gone = client.get("/sandbox/smapi/v1/vendors", HTTP_AUTHORIZATION=creds.access_token)
    assert gone.status_code == 401


def test_lwa_refresh_grant_gives_a_new_access_token(client, creds):
    answer = client.post(
        "/sandbox/lwa/auth/o2/token",
        {
            "grant_type": "refresh_token",
            "refresh_token": creds.refresh_token,
            "client_id": creds.client_id,
            "client_secret": creds.client_secret,
        },
    )
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 3600
    assert body["refresh_token"] == creds.refresh_token
    assert body["access_token"].startswith("Atza|")
    vendors = client.get("/sandbox/smapi/v1/vendors", HTTP_AUTHORIZATION=body["access_token"])
    assert vendors.status_code == 200
    bad = client.post(
        "/sandbox/lwa/auth/o2/token",
        {
            "grant_type": "refresh_token",
            "refresh_token": creds.refresh_token,
            "client_id": creds.client_id,
            "client_secret": "wrong",
        },
    )
    assert (bad.status_code, bad.json()["error"]) == (401, "invalid_client")
    unknown = client.post(
        "/sandbox/lwa/auth/o2/token",
        {"grant_type": "refresh_token", "refresh_token": "Atzr|x", "client_id": "c"},
    )
    assert (unknown.status_code, unknown.json()["error"]) == (400, "invalid_grant")


def test_create_skill_then_manifest_with_etag_and_if_match(smapi, creds):
    created = smapi("POST", "/v1/skills", {"vendorId": creds.vendor_id, **MANIFEST})
    body = check(created, "POST", "/v1/skills")
    skill_id = body["skillId"]
    assert skill_id.startswith("amzn1.ask.skill.")
    assert created["Location"] == f"/v1/skills/{skill_id}/status?resource=manifest"
    got = smapi("GET", f"/v1/skills/{skill_id}/stages/development/manifest")
    assert check(got, "GET", "/v1/skills/{skillId}/stages/{stageV2}/manifest") == MANIFEST
    etag = got["ETag"]
    status = smapi("GET", f"/v1/skills/{skill_id}/status?resource=manifest")
    assert check(status, "GET", "/v1/skills/{skillId}/status") == {
        "manifest": {"lastUpdateRequest": {"status": "SUCCEEDED"}, "eTag": etag}
    }

    changed = json.loads(json.dumps(MANIFEST))
    changed["manifest"]["publishingInformation"]["locales"]["en-US"]["name"] = "Renamed"
    path = f"/v1/skills/{skill_id}/stages/development/manifest"
    stale = smapi("PUT", path, changed, **{"If-Match": "not-the-etag"})
    assert check(stale, "PUT", "/v1/skills/{skillId}/stages/{stageV2}/manifest") == {
        "message": "The If-Match ETag does not match the resource's current version."
    }
    assert stale.status_code == 412
    assert smapi("GET", path).json() == MANIFEST
    fresh = smapi("PUT", path, changed, **{"If-Match": etag})
    assert fresh.status_code == 202
    again = smapi("GET", path)
    assert again.json() == changed and again["ETag"] != etag


def test_another_vendors_skill_is_not_found_and_bad_input_is_400(smapi, creds, client):
    other = credentials_issue_for_new_store()
    created = client.post(
        "/sandbox/smapi/v1/skills",
        data=json.dumps({"vendorId": other.vendor_id, **MANIFEST}),
        content_type="application/json",
        HTTP_AUTHORIZATION=other.access_token,
    )
    skill_id = created.json()["skillId"]
    path = f"/v1/skills/{skill_id}/stages/development/manifest"
    hidden = smapi("GET", path)
    assert hidden.status_code == 404
    check(hidden, "GET", "/v1/skills/{skillId}/stages/{stageV2}/manifest")
    wrong_vendor = smapi("POST", "/v1/skills", {"vendorId": other.vendor_id, **MANIFEST})
    assert check(wrong_vendor, "POST", "/v1/skills")["message"] == (
        "vendorId is required and must be your vendor id."
    )
    not_json = smapi("POST", "/v1/skills", b"{oops")
    assert not_json.status_code == 400
    assert Skill.objects.count() == 1


def credentials_issue_for_new_store():
    from smapi_sandbox.auth import credentials_issue

    return credentials_issue(store=StoreFactory(sandbox_mode=True))


def test_package_import_creates_the_skill_after_one_poll_in_progress(smapi, client):
    location = upload(smapi, client, package_zip())
    started = smapi("POST", "/v1/skills/imports", {"location": location})
    check(started, "POST", "/v1/skills/imports")
    assert started.status_code == 202
    import_path = started["Location"]
    assert import_path.startswith("/v1/skills/imports/amzn1.ask-package.import.")
    answers = poll_import(smapi, import_path)
    assert [a["status"] for a in answers] == ["IN_PROGRESS", "SUCCEEDED"]
    skill_id = answers[0]["skill"]["skillId"]
    done = answers[1]["skill"]
    assert done["skillId"] == skill_id
    assert done["resources"] == [
        {"name": "Manifest", "action": "CREATE", "status": "SUCCEEDED"},
        {"name": "InteractionModel.en-US", "action": "CREATE", "status": "SUCCEEDED"},
    ]
    manifest = smapi("GET", f"/v1/skills/{skill_id}/stages/development/manifest")
    assert manifest.json() == MANIFEST and manifest["ETag"] == done["eTag"]

    # An update of the same skill, with the skill's ETag, replaces the package.
    location = upload(smapi, client, package_zip(root="skill-package/"))
    stale = smapi(
        "POST", f"/v1/skills/{skill_id}/imports", {"location": location}, **{"If-Match": "x"}
    )
    assert stale.status_code == 412
    check(stale, "POST", "/v1/skills/{skillId}/imports")
    update = smapi(
        "POST",
        f"/v1/skills/{skill_id}/imports",
        {"location": location},
        **{"If-Match": done["eTag"]},
    )
    answers = poll_import(smapi, update["Location"])
    assert answers[-1]["skill"]["resources"][0] == {
        "name": "Manifest",
        "action": "UPDATE",
        "status": "SUCCEEDED",
    }
    assert Skill.objects.count() == 1


def test_a_broken_package_fails_its_import_in_words(smapi, client):
    location = upload(smapi, client, b"not a zip")
    started = smapi("POST", "/v1/skills/imports", {"location": location})
    answers = poll_import(smapi, started["Location"])
    assert answers[-1]["status"] == "FAILED"
    assert answers[-1]["errors"] == [
        {"code": "INVALID_PACKAGE", "message": "The skill package is not a zip file."}
    ]
    unknown = smapi("POST", "/v1/skills/imports", {"location": "https://example.org/x.zip"})
    assert unknown.status_code == 400
    assert Import.objects.count() == 1


def test_the_portals_exported_package_imports_with_every_locale_built(
    smapi, client, demo_store, creds
):
    content = skill_package_zip(build_skill_package(store=demo_store))
    location = upload(smapi, client, content)
    started = smapi(
        "POST", "/v1/skills/imports", {"vendorId": creds.vendor_id, "location": location}
    )
    final = poll_import(smapi, started["Location"])[-1]
    assert final["status"] == "SUCCEEDED", final
    names = [r["name"] for r in final["skill"]["resources"]]
    assert names[:4] == [
        "Manifest",
        "InteractionModel.de-DE",
        "InteractionModel.en-GB",
        "InteractionModel.en-US",
    ]
    skill_id = final["skill"]["skillId"]
    model = smapi("GET", f"/v1/skills/{skill_id}/stages/development/interactionModel/locales/en-US")
    # Not checked against the schema: the export writes "synonyms": [] for a value without
    # synonyms, where Amazon's description asks for at least one (the sandbox keeps it as is).
    assert model.status_code == 200
    assert model.json() == json.loads(
        zipfile.ZipFile(io.BytesIO(content)).read(
            "skill-package/interactionModels/custom/en-US.json"
        )
    )


def test_a_package_whose_model_does_not_build_fails_its_import_with_amazons_errors(smapi, client):
    broken = json.loads(json.dumps(MODEL))
    broken["interactionModel"]["languageModel"]["invocationName"] = "echo shop"
    location = upload(smapi, client, package_zip(models={"en-US": broken, "en-GB": MODEL}))
    started = smapi("POST", "/v1/skills/imports", {"location": location})
    final = poll_import(smapi, started["Location"])[-1]
    assert final["status"] == "FAILED"
    assert final["skill"]["resources"][1:] == [
        {"name": "InteractionModel.en-GB", "action": "CREATE", "status": "SUCCEEDED"},
        {
            "name": "InteractionModel.en-US",
            "action": "CREATE",
            "status": "FAILED",
            "errors": [
                {
                    "code": "INVALID_INVOCATION_NAME",
                    "message": 'Invocation name "echo shop" contains "echo", a wake word or '
                    "a word Alexa reserves.",
                }
            ],
        },
    ]
    skill_id = final["skill"]["skillId"]
    status = smapi("GET", f"/v1/skills/{skill_id}/status?resource=interactionModel").json()
    assert {k: v["lastUpdateRequest"]["status"] for k, v in status["interactionModel"].items()} == {
        "en-GB": "SUCCEEDED",
        "en-US": "FAILED",
    }


def test_the_vendors_skills_are_listed_and_a_model_answers_head(smapi, creds):
    skill_id = smapi("POST", "/v1/skills", {"vendorId": creds.vendor_id, **MANIFEST}).json()[
        "skillId"
    ]
    listed = smapi("GET", f"/v1/skills?vendorId={creds.vendor_id}")
    body = check(listed, "GET", "/v1/skills")
    assert [(s["skillId"], s["apis"], s["nameByLocale"]) for s in body["skills"]] == [
        (skill_id, ["custom"], {"en-US": "Sandboxed"})
    ]
    assert smapi("GET", "/v1/skills?vendorId=M000").status_code == 400
    path = f"/v1/skills/{skill_id}/stages/development/interactionModel/locales/en-US"
    smapi("PUT", path, MODEL)
    head = smapi("HEAD", path)
    assert head.status_code == 204 and head["ETag"] == smapi("GET", path)["ETag"]
    wrong_method = smapi("DELETE", "/v1/vendors")
    assert (wrong_method.status_code, wrong_method.json()) == (
        405,
        {"message": "DELETE is not supported here."},
    )
