"""The package a publish sends: the zip SMAPI imports (``skill-package/`` at its root, the
in-skill products left to their own step) and its hash, the same for the same content."""

import io
import json
import zipfile

from demo.isp_seed import seed_demo_isp
from voicelab.package import build_skill_package
from voicelab.publish.pipeline import package_archive


def test_the_archive_holds_the_skill_package_and_hashes_its_content(demo_store, settings):
    seed_demo_isp(demo_store)
    settings.ALEXA_SKILL_ENDPOINT_URL = "https://shop.example.org/alexa/"
    package = build_skill_package(store=demo_store)
    archive, digest = package_archive(package)
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    assert names == [
        "interactionModels/custom/de-DE.json",
        "interactionModels/custom/en-GB.json",
        "interactionModels/custom/en-US.json",
        "skill.json",
    ]
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(archive)).read("skill.json"))
    assert manifest["manifest"]["apis"]["custom"]["endpoint"]["uri"] == (
        "https://shop.example.org/alexa/"
    )
    again, same = package_archive(build_skill_package(store=demo_store))
    assert (same, again) == (digest, archive)  # byte for byte: no times in the zip

    demo_store.skill_endpoint_url = "https://voice.no-nicks.example.org/alexa/"
    demo_store.save()
    _, changed = package_archive(build_skill_package(store=demo_store))
    assert changed != digest
