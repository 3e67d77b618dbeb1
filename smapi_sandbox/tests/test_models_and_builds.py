"""Interaction models per locale with ETag/If-Match, and their builds: IN_PROGRESS once, then
SUCCEEDED, or FAILED where Amazon's build fails, in Amazon's words."""

import copy

import pytest

from smapi_sandbox.models import InteractionModel

from .swagger import check
from .test_skills import MANIFEST, MODEL

MODEL_PATH = "/v1/skills/{skillId}/stages/{stageV2}/interactionModel/locales/{locale}"
STATUS_PATH = "/v1/skills/{skillId}/status"


@pytest.fixture
def skill_id(smapi, creds):
    return smapi("POST", "/v1/skills", {"vendorId": creds.vendor_id, **MANIFEST}).json()["skillId"]


def put_model(smapi, skill_id, model, locale="en-US", **headers):
    path = f"/v1/skills/{skill_id}/stages/development/interactionModel/locales/{locale}"
    return smapi("PUT", path, model, **headers)


def build_of(smapi, skill_id, locale="en-US") -> dict:
    answer = smapi("GET", f"/v1/skills/{skill_id}/status?resource=interactionModel")
    return check(answer, "GET", STATUS_PATH)["interactionModel"][locale]


def test_put_then_get_a_model_with_etag_and_a_build_that_succeeds(smapi, skill_id):
    put = put_model(smapi, skill_id, MODEL)
    check(put, "PUT", MODEL_PATH)
    assert put.status_code == 202
    assert put["Location"] == f"/v1/skills/{skill_id}/status?resource=interactionModel"
    path = f"/v1/skills/{skill_id}/stages/development/interactionModel/locales/en-US"
    got = smapi("GET", path)
    assert check(got, "GET", MODEL_PATH) == MODEL
    etag = got["ETag"]
    first, second = build_of(smapi, skill_id), build_of(smapi, skill_id)
    assert first == {
        "lastUpdateRequest": {
            "status": "IN_PROGRESS",
            "buildDetails": {
                "steps": [
                    {"name": "LANGUAGE_MODEL_QUICK_BUILD", "status": "IN_PROGRESS"},
                    {"name": "LANGUAGE_MODEL_FULL_BUILD", "status": "IN_PROGRESS"},
                ]
            },
        },
        "eTag": etag,
        "version": "1",
    }
    assert second["lastUpdateRequest"]["status"] == "SUCCEEDED"
    assert [s["status"] for s in second["lastUpdateRequest"]["buildDetails"]["steps"]] == [
        "SUCCEEDED",
        "SUCCEEDED",
    ]

    changed = copy.deepcopy(MODEL)
    changed["interactionModel"]["languageModel"]["invocationName"] = "corner store"
    stale = put_model(smapi, skill_id, changed, **{"If-Match": "stale"})
    assert stale.status_code == 412
    check(stale, "PUT", MODEL_PATH)
    assert smapi("GET", path).json() == MODEL
    assert put_model(smapi, skill_id, changed, **{"If-Match": etag}).status_code == 202
    assert smapi("GET", path).json() == changed
    assert build_of(smapi, skill_id)["version"] == "2"


def test_a_missing_locale_is_404_and_a_model_without_language_model_is_400(smapi, skill_id):
    path = f"/v1/skills/{skill_id}/stages/development/interactionModel/locales/de-DE"
    missing = smapi("GET", path)
    assert missing.status_code == 404
    check(missing, "GET", MODEL_PATH)
    bad = put_model(smapi, skill_id, {"interactionModel": {}})
    assert check(bad, "PUT", MODEL_PATH) == {
        "message": "interactionModel.languageModel is required."
    }
    assert not InteractionModel.objects.exists()


def _broken(change) -> dict:
    model = copy.deepcopy(MODEL)
    change(model["interactionModel"]["languageModel"])
    return model


@pytest.mark.parametrize(
    "change, errors",
    [
        (
            lambda lm: lm.update(invocationName="alexa shop"),
            [
                (
                    "INVALID_INVOCATION_NAME",
                    'Invocation name "alexa shop" contains "alexa", a wake word or a word '
                    "Alexa reserves.",
                )
            ],
        ),
        (
            lambda lm: lm.update(invocationName="Open Shop 24"),
            [
                ("INVALID_INVOCATION_NAME", 'Invocation name "Open Shop 24" must be lower case.'),
                (
                    "INVALID_INVOCATION_NAME",
                    'Invocation name "Open Shop 24" contains digits; spell numbers out '
                    '("twenty one").',
                ),
                (
                    "INVALID_INVOCATION_NAME",
                    'Invocation name "Open Shop 24" contains the launch word "open".',
                ),
            ],
        ),
        (
            lambda lm: lm["types"][0].update(values=[]),
            [("EMPTY_SLOT_TYPE", 'Slot type "PRODUCT" must have at least one value.')],
        ),
        (
            lambda lm: lm["intents"][0].update(
                samples=["Buy {Product}"], slots=lm["intents"][1]["slots"]
            ),
            [
                (
                    "CONFLICTING_SAMPLE_UTTERANCE",
                    'Sample utterance "buy {Product}" in intent "OrderIntent" is already used '
                    'in intent "AMAZON.HelpIntent". A sample utterance may belong to only one '
                    "intent.",
                )
            ],
        ),
        (
            lambda lm: lm["intents"][1]["samples"].append("order {Quantity} {Product}"),
            [
                (
                    "UNDEFINED_SLOT_IN_SAMPLE",
                    'Sample utterance "order {Quantity} {Product}" in intent "OrderIntent" '
                    'refers to slot "Quantity", which is not defined for this intent.',
                )
            ],
        ),
    ],
    ids=["reserved-word", "case-digits-launch-word", "empty-slot-type", "two-intents", "no-slot"],
)
def test_builds_fail_where_amazons_would(smapi, skill_id, change, errors):
    assert put_model(smapi, skill_id, _broken(change)).status_code == 202
    assert build_of(smapi, skill_id)["lastUpdateRequest"]["status"] == "IN_PROGRESS"
    failed = build_of(smapi, skill_id)["lastUpdateRequest"]
    assert failed["status"] == "FAILED"
    assert [(e["code"], e["message"]) for e in failed["errors"]] == errors
    assert failed["buildDetails"]["steps"][0]["status"] == "FAILED"


def test_status_of_an_unknown_skill_is_404_and_an_unknown_resource_400(smapi, skill_id):
    unknown = smapi("GET", "/v1/skills/amzn1.ask.skill.nope/status")
    assert unknown.status_code == 404
    check(unknown, "GET", STATUS_PATH)
    bad = smapi("GET", f"/v1/skills/{skill_id}/status?resource=everything")
    assert bad.status_code == 400
    check(bad, "GET", STATUS_PATH)
