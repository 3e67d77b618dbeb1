"""The sandbox served by a running portal (pytest-django's live server), driven over real HTTP:
a simulation that reaches the portal's own ``/alexa/`` with a signed request, and Amazon's
ASK CLI (npm ``ask-cli``, a client nobody here wrote) reading what was imported and deploying
the exported project with its own upload, import, poll and enablement."""

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings as django_settings

from demo.isp_seed import seed_demo_isp
from merchant.models import SkillId
from skill import intents as i
from skill import runtime, selectors, verification
from skill.testing.envelopes import speech_of
from smapi_sandbox.auth import credentials_issue
from smapi_sandbox.models import Skill, Stage
from smapi_sandbox.signing import sandbox_signer
from testing import require
from voicelab.package import build_skill_package, skill_package_zip, write_skill_package

from .swagger import check

ASK = Path(django_settings.BASE_DIR) / "node_modules" / ".bin" / "ask"
SIMULATION = "/v2/skills/{skillId}/stages/{stage}/simulations/{simulationId}"


@pytest.fixture
def portal(live_server, settings, demo_store):
    """The live portal as ``make run`` serves it (``DEBUG``: ``/alexa/`` verifies requests and
    trusts the sandbox's signature as well as Amazon's), nothing reaching Amazon, the ISP
    sandbox on the live server, the demo store's credentials."""
    settings.DEBUG = True
    settings.ALEXA_VERIFY_REQUESTS = True
    settings.ALEXA_API_HOSTS = []
    settings.ISP_SANDBOX_BASE_URL = f"{live_server.url}/sandbox/monetization"
    runtime.clear_store_cache()
    selectors.clear_catalog_cache()
    verification.set_verifier(None)
    yield live_server.url, credentials_issue(store=demo_store)
    verification.set_verifier(None)
    runtime.clear_store_cache()
    selectors.clear_catalog_cache()


class Smapi:
    def __init__(self, base: str, token: str):
        self.base, self.token = f"{base}/sandbox/smapi", token

    def __call__(self, method: str, path: str, body=None, **headers) -> requests.Response:
        return requests.request(
            method,
            f"{self.base}{path}",
            json=body,
            headers={"Authorization": f"Bearer {self.token}", **headers},
            timeout=30,
        )

    def poll(self, path: str) -> dict:
        for _ in range(20):
            body = self(method="GET", path=path).json()
            if body["status"] != "IN_PROGRESS":
                return body
            time.sleep(0.05)
        raise AssertionError(body)


def import_package(smapi: Smapi, content: bytes) -> str:
    upload = smapi("POST", "/v1/skills/uploads").json()
    assert requests.put(upload["uploadUrl"], data=content, timeout=30).status_code == 200
    started = smapi("POST", "/v1/skills/imports", {"location": upload["uploadUrl"]})
    done = smapi.poll(started.headers["Location"])
    assert done["status"] == "SUCCEEDED", done
    return done["skill"]["skillId"]


def simulate(smapi: Smapi, skill_id: str, words: str, locale: str = "en-US") -> dict:
    started = smapi(
        "POST",
        f"/v2/skills/{skill_id}/stages/development/simulations",
        {"input": {"content": words}, "device": {"locale": locale}},
    )
    assert started.status_code == 200, started.text
    location = started.headers["Location"]
    first = smapi("GET", location)
    assert check(first, "GET", SIMULATION)["status"] == "IN_PROGRESS"
    done = smapi("GET", location)
    return check(done, "GET", SIMULATION)


def test_simulations_reach_the_portals_own_endpoint_signed_and_return_its_speech(
    portal, demo_store, settings
):
    base, creds = portal
    smapi = Smapi(base, creds.access_token)
    skill_id = import_package(smapi, skill_package_zip(build_skill_package(store=demo_store)))
    assert smapi("PUT", f"/v1/skills/{skill_id}/stages/development/enablement").status_code == 204

    # The skill id is not yet the store's: /alexa/ refuses it, and the simulation says so.
    refused = simulate(smapi, skill_id, "open no nicks")
    assert refused["status"] == "FAILED"
    assert refused["result"]["error"]["message"] == (
        f"The skill endpoint answered 400: no store serves application id {skill_id}"
    )

    SkillId.objects.create(store=demo_store, skill_id=skill_id)
    launched = simulate(smapi, skill_id, "open no nicks")
    assert launched["status"] == "SUCCESSFUL", launched
    invocation = launched["result"]["skillExecutionInfo"]["invocations"][0]
    sent, answered = invocation["invocationRequest"], invocation["invocationResponse"]["body"]
    assert sent["endpoint"] == django_settings.ALEXA_SKILL_ENDPOINT_URL
    assert sent["body"]["request"]["type"] == "LaunchRequest"
    assert sent["body"]["context"]["System"]["application"]["applicationId"] == skill_id
    caption = launched["result"]["alexaExecutionInfo"]["alexaResponses"][0]["content"]["caption"]
    assert caption and "No Nicks" in caption and caption == speech_of(answered)
    assert launched["result"]["alexaExecutionInfo"]["consideredIntents"] == []

    assert answered["response"].get("shouldEndSession") is False
    session = sent["body"]["session"]
    assert session["new"] is True

    # DEFAULT continues the session the skill left open; naming the skill starts a new one.
    followed = simulate(smapi, skill_id, "where is my order")
    assert followed["status"] == "SUCCESSFUL", followed
    considered = followed["result"]["alexaExecutionInfo"]["consideredIntents"]
    assert [c["name"] for c in considered] == [i.ORDER_STATUS]
    request = followed["result"]["skillExecutionInfo"]["invocations"][0]["invocationRequest"]
    assert request["body"]["request"]["intent"]["name"] == i.ORDER_STATUS
    assert request["body"]["session"]["sessionId"] == session["sessionId"]
    assert request["body"]["session"]["new"] is False
    assert request["body"]["session"]["user"]["userId"] == session["user"]["userId"]
    one_shot = simulate(smapi, skill_id, "ask no nicks where is my order")
    body = one_shot["result"]["skillExecutionInfo"]["invocations"][0]["invocationRequest"]["body"]
    assert body["session"]["new"] is True and body["session"]["sessionId"] != session["sessionId"]

    # A production endpoint trusts Amazon's certificates alone: the sandbox's are refused.
    settings.DEBUG = False
    verification.set_verifier(
        verification.RequestVerifier(fetcher=lambda url, timeout: sandbox_signer().chain_pem)
    )
    production = simulate(smapi, skill_id, "open no nicks")
    assert production["status"] == "FAILED"
    assert production["result"]["error"]["message"].startswith(
        "The skill endpoint answered 400: verification failed: certificate chain not trusted"
    )

    # Not enabled: Amazon's simulator refuses too.
    smapi("DELETE", f"/v1/skills/{skill_id}/stages/development/enablement")
    off = smapi(
        "POST",
        f"/v2/skills/{skill_id}/stages/development/simulations",
        {"input": {"content": "open no nicks"}, "device": {"locale": "en-US"}},
    )
    assert off.status_code == 409
    check(off, "POST", "/v2/skills/{skillId}/stages/{stage}/simulations")


def _ask(args: list[str], *, home: Path, base: str, creds, cwd: Path | None = None):
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "ASK_SMAPI_SERVER_BASE_URL": f"{base}/sandbox/smapi",
        "ASK_DEFAULT_PROFILE": "__ENVIRONMENT_ASK_PROFILE__",
        "ASK_ACCESS_TOKEN": creds.access_token,
        "ASK_VENDOR_ID": creds.vendor_id,
        "ASK_SHARE_USAGE": "false",
        "AWS_ACCESS_KEY_ID": "AKIASANDBOX",
        "AWS_SECRET_ACCESS_KEY": "sandbox",
    }
    return subprocess.run(
        [str(ASK), *args],
        cwd=cwd or home,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_the_ask_cli_reads_what_was_imported_and_deploys_the_exported_project(
    portal, demo_store, tmp_path
):
    require(shutil.which("node") is not None, "the ASK CLI needs node")
    require(ASK.exists(), "the ASK CLI is not installed (npm ci)")
    base, creds = portal
    smapi = Smapi(base, creds.access_token)
    seed_demo_isp(demo_store)  # No Nicks' in-skill products, exported in isps/
    package = build_skill_package(store=demo_store)
    skill_id = import_package(smapi, skill_package_zip(package))
    home = tmp_path / "home"
    home.mkdir()

    def ask(*args, cwd=None):
        done = _ask(list(args), home=home, base=base, creds=creds, cwd=cwd)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    manifest = json.loads(ask("smapi", "get-skill-manifest", "-s", skill_id))
    assert manifest == package.manifest
    model = json.loads(ask("smapi", "get-interaction-model", "-s", skill_id, "-l", "en-US"))
    assert model == package.models["en-US"]
    status = json.loads(ask("smapi", "get-skill-status", "-s", skill_id))
    assert status["manifest"]["lastUpdateRequest"]["status"] == "SUCCEEDED"
    assert {
        locale: s["lastUpdateRequest"]["status"] for locale, s in status["interactionModel"].items()
    } == {locale: "SUCCEEDED" for locale in package.models}
    products = json.loads(ask("smapi", "get-isp-list-for-skill-id", "-s", skill_id))
    listed = products["inSkillProductSummaryList"]["inSkillProducts"]
    exported = sorted(
        json.loads(content)["referenceName"]
        for path, content in package.files().items()
        if path.startswith("skill-package/isps/")
    )
    assert exported and sorted(p["referenceName"] for p in listed) == exported

    # ask deploy: the portal's export as a new skill (no skill id in .ask/ask-states.json),
    # with the project's own profile configured as `ask configure` would (~/.ask/cli_config).
    (home / ".ask").mkdir()
    (home / ".ask" / "cli_config").write_text(
        json.dumps(
            {
                "profiles": {
                    "default": {
                        "token": {
                            "access_token": creds.access_token,
                            "refresh_token": creds.refresh_token,
                            "token_type": "bearer",
                            "expires_in": 3600,
                            "expires_at": "2999-01-01T00:00:00.000Z",
                        },
                        "vendor_id": creds.vendor_id,
                    }
                }
            }
        )
    )
    package.skill_id = None
    project = tmp_path / "project"
    write_skill_package(package, project)
    output = ask("deploy", "--profile", "default", cwd=project)
    states = json.loads((project / ".ask" / "ask-states.json").read_text())
    deployed = states["profiles"]["default"]["skillId"]
    assert deployed != skill_id and deployed in output
    stage = Stage.objects.get(skill__skill_id=deployed)
    assert stage.enabled is True
    assert stage.manifest == package.manifest
    assert sorted(stage.models.values_list("locale", flat=True)) == sorted(package.models)
    assert Skill.objects.filter(vendor__store=demo_store).count() == 2
