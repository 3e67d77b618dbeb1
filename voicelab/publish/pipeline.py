"""One publish of a store's skill through SMAPI, step by step (``STEPS``); each step's
outcome is recorded as soon as it is known (name, status, what happened in words, and
Amazon's answers in Amazon's JSON). A step that succeeded (or had nothing to do) in an
earlier run of the same publish is not run again; the first failed step stops the publish.
"""

import hashlib
import io
import zipfile
from collections.abc import Callable
from typing import Any

from catalog.selectors import catalog_revision
from voicelab.models import SkillPublish, SmapiConnection
from voicelab.package import PackageInvalid, SkillPackage, build_skill_package

from . import services
from .client import SmapiError, smapi_client
from .steps import (
    DONE,
    FAILED,
    SUCCEEDED,
    Run,
    StepFailed,
    step_account_linking,
    step_build,
    step_enablement,
    step_import,
    step_in_skill_products,
    step_simulation,
    step_submission,
    step_validations,
)


def package_archive(package: SkillPackage) -> tuple[bytes, str]:
    """The zip SMAPI imports (``skill-package/`` at its root, in-skill products left to
    their own step) and the hash of its content (not of the zip, whose times change)."""
    files = {
        path.removeprefix("skill-package/"): content
        for path, content in package.files().items()
        if path.startswith("skill-package/") and not path.startswith("skill-package/isps/")
    }
    digest = hashlib.sha256()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            digest.update(path.encode() + b"\0" + files[path] + b"\0")
            info = zipfile.ZipInfo(path, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[path])
    return buffer.getvalue(), digest.hexdigest()


STEPS: list[tuple[str, Callable[[Run], tuple[str, str, Any]]]] = [
    ("import", step_import),
    ("account_linking", step_account_linking),
    ("in_skill_products", step_in_skill_products),
    ("build", step_build),
    ("enablement", step_enablement),
    ("validations", step_validations),
    ("simulation", step_simulation),
    ("submission", step_submission),
]
STEP_TITLES = {
    "package": "Export and validate the package",
    "import": "Create or update the skill",
    "account_linking": "Account linking",
    "in_skill_products": "In-skill products",
    "build": "Build",
    "enablement": "Enable for testing",
    "validations": "Validations",
    "simulation": "Smoke simulation",
    "submission": "Submission for certification",
}


def _record(publish: SkillPublish, name: str, status: str, detail: str, answer: Any = None):
    services.publish_step_record(
        publish=publish,
        step={"name": name, "status": status, "detail": detail, "answer": answer},
    )


def run_publish(publish_id: int) -> str:
    """Play the publish (claimed first: a finished one, or one another worker has, is left
    alone); returns its final status."""
    publish = services.publish_claim(publish_id=publish_id)
    if publish is None:
        return "taken"
    store = publish.store
    try:
        package = build_skill_package(store=store)
    except PackageInvalid as invalid:
        _record(
            publish,
            "package",
            FAILED,
            "The package cannot be exported: " + "; ".join(invalid.errors),
            invalid.errors,
        )
        return services.publish_finish(publish_id=publish.pk).status  # type: ignore[union-attr]
    zip_bytes, digest = package_archive(package)
    services.publish_package_record(
        publish=publish, package_hash=digest, revision=catalog_revision(store_id=store.pk)
    )
    _record(
        publish,
        "package",
        SUCCEEDED,
        f"Package {digest[:12]} built from catalog revision {publish.catalog_revision}"
        + (f". Remarks: {' '.join(package.warnings)}" if package.warnings else "."),
    )
    connection = SmapiConnection.objects.select_related("store").get(store=store)
    if connection.skill_id and publish.skill_id != connection.skill_id:
        services.publish_skill_id_record(publish=publish, skill_id=connection.skill_id)
    run = Run(publish, connection, package, digest, zip_bytes, smapi_client(connection))
    for name, step in STEPS:
        earlier = publish.step(name)
        if earlier is not None and earlier.get("status") in DONE:
            continue
        try:
            status, detail, answer = step(run)
        except StepFailed as exc:
            _record(publish, name, FAILED, str(exc), exc.answer)
            break
        except SmapiError as exc:
            _record(publish, name, FAILED, str(exc), exc.answer)
            break
        _record(publish, name, status, detail, answer)
    finished = services.publish_finish(publish_id=publish.pk)
    return finished.status if finished else "missing"
