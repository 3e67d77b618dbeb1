"""The Alexa skill package built from a store's settings and catalog.

``build_skill_package(store=...)`` reads the catalog once, builds ``skill.json`` and one
interaction model per enabled locale, and validates them; it raises ``PackageInvalid``
with every problem found. ``write_skill_package`` lays the result out as an ASK CLI v2
project (``ask-resources.json``, ``.ask/ask-states.json`` when the skill id is known,
``skill-package/...``); ``skill_package_zip`` returns the same files as a zip.
"""

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from isp.package import isp_product_files, isp_validation_errors
from merchant.invocation import check_invocation_name
from merchant.models import Store
from skill import intents as i
from skill.package.catalog import CatalogSnapshot, Entity
from skill.package.manifest import build_manifest
from skill.package.samples import SAMPLES, language
from skill.package.validation import (
    PackageInvalid,
    check_samples,
    check_slot_value_total,
    check_slot_values,
)

__all__ = [
    "PackageInvalid",
    "SkillPackage",
    "build_interaction_model",
    "build_skill_package",
    "skill_package_zip",
    "write_skill_package",
]

ASK_CLI_VERSION = "2020-03-31"


@dataclass
class SkillPackage:
    store: Store
    manifest: dict
    models: dict[str, dict]  # locale -> interaction model
    skill_id: str | None
    warnings: list[str] = field(default_factory=list)

    def files(self) -> dict[str, bytes]:
        """Relative path -> content, in a stable order."""
        files = {
            "ask-resources.json": _json(
                {
                    "askcliResourcesVersion": ASK_CLI_VERSION,
                    "profiles": {"default": {"skillMetadata": {"src": "./skill-package"}}},
                }
            ),
        }
        if self.skill_id:
            files[".ask/ask-states.json"] = _json(
                {
                    "askcliStatesVersion": ASK_CLI_VERSION,
                    "profiles": {"default": {"skillId": self.skill_id}},
                }
            )
        files["skill-package/skill.json"] = _json(self.manifest)
        for locale, model in self.models.items():
            files[f"skill-package/interactionModels/custom/{locale}.json"] = _json(model)
        # In-skill products (isp app): skill-package/isps/<type>/<referenceName>.json.
        files.update({path: _json(data) for path, data in isp_product_files(self.store).items()})
        return files


def build_interaction_model(
    *, invocation_name: str, locale: str, products: list[Entity], categories: list[Entity]
) -> dict:
    samples = SAMPLES.get(language(locale), SAMPLES["en"])
    intents = []
    for name, slots in i.CUSTOM.items():
        intent = {"name": name, "slots": [{"name": s, "type": t} for s, t in slots.items()]}
        intent["samples"] = list(dict.fromkeys(samples[name]))
        if not intent["slots"]:
            del intent["slots"]
        intents.append(intent)
    for name in i.BUILT_INS:
        intents.append({"name": name, "samples": list(dict.fromkeys(samples.get(name, [])))})
    return {
        "interactionModel": {
            "languageModel": {
                "invocationName": invocation_name,
                "intents": intents,
                "types": [
                    {"name": i.PRODUCT_TYPE, "values": [_slot_value(e) for e in products]},
                    {"name": i.CATEGORY_TYPE, "values": [_slot_value(e) for e in categories]},
                ],
            }
        }
    }


def build_skill_package(*, store: Store) -> SkillPackage:
    """Build and validate the package; raises ``PackageInvalid`` listing every problem."""
    catalog = CatalogSnapshot.load(store)
    locales = store.locales()
    products = {loc: catalog.product_entities(loc) for loc in locales}
    categories = {loc: catalog.category_entities(loc) for loc in locales}

    errors, warnings = [], []
    models = {}
    for locale in locales:
        name_errors, name_warnings = check_invocation_name(store.invocation_name, locale)
        errors += name_errors
        warnings += name_warnings
        errors += check_slot_values(locale, i.PRODUCT_TYPE, products[locale])
        errors += check_slot_values(locale, i.CATEGORY_TYPE, categories[locale])
        errors += check_slot_value_total(
            locale, {i.PRODUCT_TYPE: products[locale], i.CATEGORY_TYPE: categories[locale]}
        )
        model = build_interaction_model(
            invocation_name=store.invocation_name,
            locale=locale,
            products=products[locale],
            categories=categories[locale],
        )
        errors += check_samples(
            locale,
            model["interactionModel"]["languageModel"]["intents"],
            {i.PRODUCT_TYPE: products[locale], i.CATEGORY_TYPE: categories[locale]},
        )
        models[locale] = model
    errors += isp_validation_errors(store)
    if errors:
        raise PackageInvalid(list(dict.fromkeys(errors)))

    manifest, manifest_warnings = build_manifest(
        store=store, locales=locales, products=products, categories=categories
    )
    skill_id = store.skill_ids.order_by("pk").values_list("skill_id", flat=True).first()
    if not skill_id:
        warnings.append("No Alexa skill id yet: `ask deploy` creates the skill and records it.")
    return SkillPackage(
        store=store,
        manifest=manifest,
        models=models,
        skill_id=skill_id,
        warnings=list(dict.fromkeys(warnings + manifest_warnings)),
    )


def write_skill_package(package: SkillPackage, out_dir: Path | str) -> list[Path]:
    """Write the package under ``out_dir``; stale locale models there are removed."""
    out = Path(out_dir)
    models_dir = out / "skill-package" / "interactionModels" / "custom"
    if models_dir.is_dir():
        for stale in models_dir.glob("*.json"):
            if stale.stem not in package.models:
                stale.unlink()
    written = []
    for relative, content in package.files().items():
        path = out / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        written.append(path)
    return written


def skill_package_zip(package: SkillPackage) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for relative, content in package.files().items():
            archive.writestr(relative, content)
    return buffer.getvalue()


def _slot_value(entity: Entity) -> dict:
    return {"id": entity.id, "name": {"value": entity.value, "synonyms": list(entity.synonyms)}}


def _json(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()
