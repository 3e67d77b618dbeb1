"""A whole publish against the embedded SMAPI sandbox over real HTTP (a live server: the
portal's SMAPI client calls /sandbox/lwa and /sandbox/smapi like Amazon's, and the sandbox's
simulation calls the portal's own /alexa/): ``publish_skill --json`` prints exactly one JSON
object; a second publish of the unchanged package sends nothing again; a publish that
failed continues where it stopped."""

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from demo.isp_seed import seed_demo_isp
from isp.models import InSkillProduct
from linking.models import AlexaClientEvent
from linking.services import alexa_client_rotate
from merchant.crypto import encrypt
from merchant.models import Role, SkillId
from merchant.tests.factories import MembershipFactory
from skill import verification
from smapi_sandbox.models import Certification, Import, Product, Upload
from smapi_sandbox.signing import trust_sandbox_signatures
from testing import require
from voicelab.models import PublishStatus, SkillPublish, SmapiAction, SmapiConnection, SmapiEvent
from voicelab.package import build_skill_package, write_skill_package
from voicelab.publish import services
from voicelab.publish.client import smapi_client
from voicelab.publish.connect import vendors

ENDPOINT = "https://sleep.example.org/alexa/"


@pytest.fixture
def sandboxed(transactional_db, live_server, settings, demo_store):
    """The Sleep Well store in sandbox mode, with an account-linking client, connected to its
    sandbox vendor with the refresh token ``smapi_sandbox_token`` gives (as a tool would)."""
    settings.PUBLIC_BASE_URL = live_server.url
    settings.SMAPI_POLL_SECONDS = 0.05
    settings.SMAPI_SANDBOX_DELAY_SECONDS = 0
    trust_sandbox_signatures()  # this process's /alexa/ accepts the sandbox's signature
    store = seed_demo_isp(demo_store)
    store.sandbox_mode = True
    store.skill_endpoint_url = ENDPOINT
    store.save()
    alexa_client_rotate(store=store, redirect_uris=["https://layla.amazon.com/api/skill/link/M1"])
    out = io.StringIO()
    call_command("smapi_sandbox_token", "--store", store.slug, stdout=out)
    refresh = json.loads(out.getvalue())["refresh_token"]
    probe = SmapiConnection(store=store, refresh_token_encrypted=encrypt(refresh), sandbox=True)
    found = vendors(smapi_client(probe))
    owner = MembershipFactory(store=store, role=Role.OWNER).user
    services.smapi_connection_connect(
        store=store, actor=owner, refresh_token=refresh, sandbox=True, vendors=found
    )
    return store


def publish(store, *options: str) -> tuple[dict, int]:
    out = io.StringIO()
    code = 0
    try:
        call_command("publish_skill", "--store", store.slug, "--json", *options, stdout=out)
    except SystemExit as exit:
        code = int(exit.code or 0)
    text = out.getvalue()
    assert text.count("\n") == 1 and text.endswith("\n")  # exactly one line, one object
    return json.loads(text), code


def summary(result: dict) -> list[tuple[str, str]]:
    return [(step["name"], step["status"]) for step in result["steps"]]


def test_a_whole_publish_then_an_unchanged_one(sandboxed):
    store = sandboxed
    result, code = publish(store)
    assert code == 0
    assert set(result) == {"skill_id", "stage", "steps"}
    assert all(set(step) == {"name", "status", "detail", "answer"} for step in result["steps"])
    connection = SmapiConnection.objects.get(store=store)
    skill_id = connection.skill_id
    assert skill_id.startswith("amzn1.ask.skill.")
    assert (result["skill_id"], result["stage"]) == (skill_id, "development")
    assert summary(result) == [
        ("package", "succeeded"),
        ("import", "succeeded"),
        ("account_linking", "succeeded"),
        ("in_skill_products", "succeeded"),
        ("build", "succeeded"),
        ("enablement", "succeeded"),
        ("validations", "succeeded"),
        ("simulation", "succeeded"),
        ("submission", "skipped"),
    ]
    steps = {step["name"]: step for step in result["steps"]}
    assert steps["import"]["answer"]["status"] == "SUCCEEDED"
    assert steps["import"]["answer"]["skill"]["skillId"] == skill_id
    assert steps["build"]["detail"] == "Built: en-US."
    assert steps["validations"]["detail"] == "Every validation passed in en-US."
    # The smoke simulation reached the portal's own /alexa/ and came back with speech.
    simulated = steps["simulation"]["answer"][0]
    assert simulated["utterance"] == f"open {store.invocation_name}"
    invocation = simulated["answer"]["result"]["skillExecutionInfo"]["invocations"][0]
    assert invocation["invocationRequest"]["endpoint"] == ENDPOINT
    assert invocation["invocationResponse"]["body"]["response"]["outputSpeech"]
    assert steps["simulation"]["detail"].startswith(f'en-US: "open {store.invocation_name}" → "')
    # Amazon's ids kept: the skill among the store's skill ids, each product's own id.
    assert SkillId.objects.get(skill_id=skill_id).store == store
    products = InSkillProduct.objects.filter(store=store).order_by("reference_name")
    assert [(p.reference_name, p.amazon_product_id) for p in products] == [
        (answer["referenceName"], answer["productId"])
        for answer in steps["in_skill_products"]["answer"]
    ]
    assert all(p.amazon_synced_at is not None for p in products)
    # The record: who (the command), the package hash and revision, every step.
    record = SkillPublish.objects.get()
    assert (record.status, record.started_by_label, record.skill_id) == (
        PublishStatus.SUCCEEDED,
        "command",
        skill_id,
    )
    assert record.package_hash == connection.package_hash and len(record.package_hash) == 64
    assert [step["name"] for step in record.steps] == [step["name"] for step in result["steps"]]
    assert list(
        SmapiEvent.objects.filter(action=SmapiAction.PUBLISH_STARTED).values_list(
            "actor_label", "data"
        )
    ) == [
        (
            "command",
            {"publish": record.pk, "stage": "development", "submit": False, "resumed": False},
        )
    ]

    uploads = Upload.objects.count()
    again, code = publish(store, "--submit")
    assert code == 0
    assert summary(again) == [
        ("package", "succeeded"),
        ("import", "skipped"),
        ("account_linking", "skipped"),
        ("in_skill_products", "succeeded"),
        ("build", "succeeded"),
        ("enablement", "skipped"),
        ("validations", "succeeded"),
        ("simulation", "succeeded"),
        ("submission", "succeeded"),
    ]
    details = {step["name"]: step["detail"] for step in again["steps"]}
    assert details["import"] == "Amazon already has this package (same hash): not sent again."
    assert details["submission"] == ("Submitted for certification (you publish it once it passes).")
    certification = Certification.objects.get()
    assert (certification.skill.skill_id, certification.publication_method) == (
        skill_id,
        "MANUAL_PUBLISHING",
    )
    assert Upload.objects.count() == uploads  # nothing uploaded
    assert again["skill_id"] == skill_id


def test_a_failed_publish_continues_where_it_stopped(sandboxed):
    store = sandboxed
    # The portal's /alexa/ trusts Amazon alone: it refuses the sandbox's simulation.
    verification.set_verifier(None)
    result, code = publish(store)
    assert code == 1
    assert summary(result) == [
        ("package", "succeeded"),
        ("import", "succeeded"),
        ("account_linking", "succeeded"),
        ("in_skill_products", "succeeded"),
        ("build", "succeeded"),
        ("enablement", "succeeded"),
        ("validations", "succeeded"),
        ("simulation", "failed"),
    ]
    failed = result["steps"][-1]
    assert failed["detail"] == (f'en-US: "open {store.invocation_name}" came back without speech.')
    error = failed["answer"][0]["answer"]["result"]["error"]["message"]
    assert error.startswith("The skill endpoint answered 400: verification failed")
    first = SkillPublish.objects.get()
    assert (first.status, first.error) == (PublishStatus.FAILED, "")
    counts = (Upload.objects.count(), Import.objects.count(), Product.objects.count())
    secret_rotations = AlexaClientEvent.objects.count()

    trust_sandbox_signatures()
    result, code = publish(store)
    assert code == 0
    assert SkillPublish.objects.get().pk == first.pk  # the same publish, continued
    assert summary(result)[-2:] == [("simulation", "succeeded"), ("submission", "skipped")]
    assert [s["status"] for s in result["steps"][:7]] == ["succeeded"] * 7  # kept, not rerun
    # Nothing before the failed step was sent again: no upload, import, product or secret.
    assert (Upload.objects.count(), Import.objects.count(), Product.objects.count()) == counts
    assert AlexaClientEvent.objects.count() == secret_rotations
    started = SmapiEvent.objects.filter(action=SmapiAction.PUBLISH_STARTED).order_by("pk")
    assert [event.data["resumed"] for event in started] == [False, True]


# Amazon's ASK CLI (npm ask-cli, a client nobody here wrote) reads what the portal published.

ASK = Path(django_settings.BASE_DIR) / "node_modules" / ".bin" / "ask"


def test_the_ask_cli_reads_exactly_what_the_portal_published(sandboxed, live_server, tmp_path):
    require(shutil.which("node") is not None, "the ASK CLI needs node")
    require(ASK.exists(), "the ASK CLI is not installed (npm ci)")
    store = sandboxed
    result, code = publish(store)
    assert code == 0
    skill_id = result["skill_id"]
    package = build_skill_package(store=store)
    out = io.StringIO()
    call_command("smapi_sandbox_token", "--store", store.slug, stdout=out)
    creds = json.loads(out.getvalue())
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "ASK_SMAPI_SERVER_BASE_URL": f"{live_server.url}/sandbox/smapi",
        "ASK_DEFAULT_PROFILE": "__ENVIRONMENT_ASK_PROFILE__",
        "ASK_ACCESS_TOKEN": creds["access_token"],
        "ASK_VENDOR_ID": creds["vendor_id"],
        "ASK_SHARE_USAGE": "false",
        "AWS_ACCESS_KEY_ID": "AKIASANDBOX",
        "AWS_SECRET_ACCESS_KEY": "sandbox",
    }

    def ask(*args: str) -> dict:
        done = subprocess.run(
            [str(ASK), "smapi", *args],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        return json.loads(done.stdout)

    assert ask("get-skill-manifest", "-s", skill_id) == package.manifest
    assert (
        ask("get-interaction-model", "-s", skill_id, "--locale", "en-US")
        == (package.models["en-US"])
    )
    status = ask("get-skill-status", "-s", skill_id)
    assert status["manifest"]["lastUpdateRequest"]["status"] == "SUCCEEDED"
    assert status["interactionModel"]["en-US"]["lastUpdateRequest"]["status"] == "SUCCEEDED"
    listed = ask("get-isp-list-for-skill-id", "-s", skill_id)["inSkillProductSummaryList"][
        "inSkillProducts"
    ]
    products = InSkillProduct.objects.filter(store=store).order_by("reference_name")
    assert sorted((p["referenceName"], p["productId"]) for p in listed) == [
        (p.reference_name, p.amazon_product_id) for p in products
    ]


def test_ask_deploy_into_the_sandbox_then_the_publish_page_shows_the_skills_state(
    sandboxed, live_server, client, tmp_path
):
    """``ask deploy`` of the exported project (the CLI's own upload, import, poll and
    enablement) with the store's sandbox token; the publish page then lists that skill with
    its build per locale, and marks the store's own skill."""
    require(shutil.which("node") is not None, "the ASK CLI needs node")
    require(ASK.exists(), "the ASK CLI is not installed (npm ci)")
    store = sandboxed
    out = io.StringIO()
    call_command("smapi_sandbox_token", "--store", store.slug, stdout=out)
    creds = json.loads(out.getvalue())
    home = tmp_path / "home"
    (home / ".ask").mkdir(parents=True)
    (home / ".ask" / "cli_config").write_text(
        json.dumps(
            {
                "profiles": {
                    "default": {
                        "token": {
                            "access_token": creds["access_token"],
                            "refresh_token": creds["refresh_token"],
                            "token_type": "bearer",
                            "expires_in": 3600,
                            "expires_at": "2999-01-01T00:00:00.000Z",
                        },
                        "vendor_id": creds["vendor_id"],
                    }
                }
            }
        )
    )
    package = build_skill_package(store=store)
    package.skill_id = None
    project = tmp_path / "project"
    write_skill_package(package, project)
    done = subprocess.run(
        [str(ASK), "deploy", "--profile", "default"],
        env={
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(home),
            "ASK_SMAPI_SERVER_BASE_URL": f"{live_server.url}/sandbox/smapi",
            "ASK_SHARE_USAGE": "false",
            "AWS_ACCESS_KEY_ID": "AKIASANDBOX",
            "AWS_SECRET_ACCESS_KEY": "sandbox",
        },
        cwd=project,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    states = json.loads((project / ".ask" / "ask-states.json").read_text())
    deployed = states["profiles"]["default"]["skillId"]
    assert deployed.startswith("amzn1.ask.skill.") and deployed in done.stdout

    owner = MembershipFactory(store=store, role=Role.OWNER).user
    client.force_login(owner)
    page = client.get(f"/console/launch/stores/{store.pk}/publish/")
    assert page.status_code == 200
    amazon = page.context["amazon"]
    assert amazon.error == "" and amazon.truncated is False
    [skill] = amazon.skills
    assert (skill.skill_id, skill.stage, skill.error) == (deployed, "development", "")
    assert skill.builds == [(locale, "SUCCEEDED") for locale in sorted(package.models)]
    assert skill.ours is False  # deployed with the CLI: not (yet) one of the store's skill ids
    html = page.content.decode()
    assert f'<tr data-skill-id="{deployed}">' in html
    for locale in package.models:
        assert f'<span class="build" data-locale="{locale}">{locale}: SUCCEEDED</span>' in html

    # Once it is the store's skill id, the page marks it as the store's.
    SkillId.objects.create(store=store, skill_id=deployed)
    page = client.get(f"/console/launch/stores/{store.pk}/publish/")
    assert [s.ours for s in page.context["amazon"].skills] == [True]
    assert f'<tr data-skill-id="{deployed}" class="ours">' in page.content.decode()
