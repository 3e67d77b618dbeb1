"""Reading an uploaded skill package (the zip ``ask deploy`` and the portal send): the
manifest, one interaction model per locale and the in-skill products, wherever the zip puts
its ``skill.json`` (at its root, as SMAPI wants, or in one folder such as ``skill-package/``)."""

import io
import json
import posixpath
import zipfile
from dataclasses import dataclass, field

MAX_PACKAGE_BYTES = 50 * 1024 * 1024


class PackageError(Exception):
    """The package cannot be read; ``str(exc)`` says why, as SMAPI's error message."""


@dataclass
class Package:
    manifest: dict
    models: dict[str, dict] = field(default_factory=dict)  # locale -> InteractionModelData
    products: list[dict] = field(default_factory=list)  # InSkillProductDefinition objects


def _json(archive: zipfile.ZipFile, name: str) -> dict:
    try:
        data = json.loads(archive.read(name))
    except (ValueError, UnicodeDecodeError) as exc:
        raise PackageError(f"{name} is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise PackageError(f"{name} must hold a JSON object.")
    return data


def read_package(content: bytes) -> Package:
    if len(content) > MAX_PACKAGE_BYTES:
        raise PackageError("The skill package is larger than 50 MB.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise PackageError("The skill package is not a zip file.") from exc
    names = [n for n in archive.namelist() if not n.endswith("/")]
    roots = sorted(
        {posixpath.dirname(n) for n in names if posixpath.basename(n) == "skill.json"},
        key=len,
    )
    if not roots or roots[0].count("/") > 0:
        raise PackageError("The skill package has no skill.json.")
    root = f"{roots[0]}/" if roots[0] else ""
    manifest = _json(archive, f"{root}skill.json")
    if not isinstance(manifest.get("manifest"), dict):
        raise PackageError("skill.json has no manifest object.")
    package = Package(manifest=manifest)
    models_dir = f"{root}interactionModels/custom/"
    for name in names:
        if name.startswith(models_dir) and name.endswith(".json"):
            locale = posixpath.basename(name)[: -len(".json")]
            package.models[locale] = _json(archive, name)
        elif name.startswith(f"{root}isps/") and name.endswith(".json"):
            package.products.append(_json(archive, name))
    return package
