"""The Alexa skill package built from a store's settings and catalog.

``build_skill_package(store=...)`` reads the catalog (and the in-skill products and content
collections) once, builds ``skill.json`` and one interaction model per enabled locale, and
validates them; it raises ``PackageInvalid`` with every problem found.

A slot type without values is not exported (Alexa refuses one), and neither is an intent
that needs one: a digital-only store has no ordering intents, a store without in-skill
products or content no ISP intents (``intents.ISP``).

``write_skill_package`` lays the result out as an ASK CLI v2 project (``ask-resources.json``,
``.ask/ask-states.json`` when the skill id is known, ``skill-package/...``, and beside it
``account-linking.json`` when the store has an Alexa account-linking client: SMAPI's
``accountLinkingRequest`` for ``ask smapi update-account-linking-info``, its secret a
placeholder the owner fills in); ``skill_package_zip`` returns the same files as a zip.
"""

import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from isp.package import isp_product_files, isp_validation_errors
from linking.endpoints import account_linking_request
from linking.selectors import alexa_client_of_store
from merchant.invocation import check_invocation_name
from merchant.models import Store
from skill import intents as i
from voicelab.package.catalog import CatalogSnapshot, Entity
from voicelab.package.isp_samples import ISP_SAMPLES, TAKEN_OVER
from voicelab.package.manifest import build_manifest
from voicelab.package.premium import PremiumSnapshot
from voicelab.package.samples import SAMPLES, language
from voicelab.package.utterances import normalize
from voicelab.package.validation import (
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
    # SMAPI's account-linking request (linking app), when the store has an Alexa client.
    account_linking: dict | None = None

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
        if self.account_linking is not None:
            files["account-linking.json"] = _json(self.account_linking)
        return files


# Slot types an intent needs beyond its own slots: ordering intents need goods to order,
# "what can I buy" / "what have I bought" need in-skill products.
_NEEDS = {name: i.PRODUCT_TYPE for name in i.CUSTOM}
_NEEDS.update({i.WHAT_CAN_I_BUY: i.ISP_PRODUCT_TYPE, i.WHAT_HAVE_I_BOUGHT: i.ISP_PRODUCT_TYPE})
_ORDERING_TYPES = (i.PRODUCT_TYPE, i.CATEGORY_TYPE)


def exported_intents(
    types: dict[str, list[Entity]], *, account_linking: bool = True
) -> dict[str, dict[str, str]]:
    """The custom intents (name -> slots) whose slot types all have values; the ISP intents
    only when the store has in-skill products or content collections; the linked account's
    intents (cart, wish list, voice code) only when shoppers can link (``account_linking``)."""
    candidates = {
        name: slots
        for name, slots in i.CUSTOM.items()
        if account_linking or name not in i.LINKED_ACCOUNT
    }
    if types.get(i.ISP_PRODUCT_TYPE) or types.get(i.COLLECTION_TYPE):
        candidates.update(i.ISP)
    out = {}
    for name, slots in candidates.items():
        needed = {*slots.values(), _NEEDS.get(name, "AMAZON.")}
        if all(t.startswith("AMAZON.") or types.get(t) for t in needed):
            out[name] = slots
    return out


def build_interaction_model(
    *,
    invocation_name: str,
    locale: str,
    products: list[Entity],
    categories: list[Entity],
    isp_products: Sequence[Entity] = (),
    collections: Sequence[Entity] = (),
    account_linking: bool = True,
) -> dict:
    lang = language(locale)
    samples = SAMPLES.get(lang, SAMPLES["en"])
    isp_samples = ISP_SAMPLES.get(lang, ISP_SAMPLES["en"])
    types = {
        i.PRODUCT_TYPE: products,
        i.CATEGORY_TYPE: categories,
        i.ISP_PRODUCT_TYPE: list(isp_products),
        i.COLLECTION_TYPE: list(collections),
    }
    chosen = exported_intents(types, account_linking=account_linking)
    # A phrase an exported ISP intent takes over leaves the ordering intent that had it;
    # any other phrase of an exported ordering intent or built-in stays there (isp_samples).
    taken = {
        normalize(phrase): owner
        for phrase, owner in TAKEN_OVER.get(lang, {}).items()
        if owner in chosen
    }
    own_samples = {
        name: [s for s in samples[name] if taken.get(normalize(s), name) == name]
        for name in chosen
        if name in i.CUSTOM
    }
    used = {normalize(s) for name in [*own_samples, *i.BUILT_INS] for s in samples.get(name, [])}
    used -= set(taken)
    for name in chosen:
        if name in i.ISP:
            own_samples[name] = [s for s in isp_samples[name] if normalize(s) not in used]
    intents = []
    for name, slots in chosen.items():
        intent = {"name": name, "slots": [{"name": s, "type": t} for s, t in slots.items()]}
        intent["samples"] = list(dict.fromkeys(own_samples[name]))
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
                    {"name": name, "values": [_slot_value(e) for e in entities]}
                    for name, entities in types.items()
                    if entities
                ],
            }
        }
    }


def build_skill_package(*, store: Store) -> SkillPackage:
    """Build and validate the package; raises ``PackageInvalid`` listing every problem."""
    catalog = CatalogSnapshot.load(store)
    premium = PremiumSnapshot.load(store)
    locales = store.locales()
    products = {loc: catalog.product_entities(loc) for loc in locales}
    categories = {loc: catalog.category_entities(loc) for loc in locales}
    isp_products, collections = {}, {}
    for loc in locales:
        # Generated ISP synonyms keep clear of what the ordering slots already name.
        taken = {normalize(p) for e in products[loc] + categories[loc] for p in e.phrases()}
        isp_products[loc] = premium.product_entities(loc, taken)
        collections[loc] = premium.collection_entities(taken)

    alexa_client = alexa_client_of_store(store)
    errors, warnings = [], []
    models = {}
    for locale in locales:
        name_errors, name_warnings = check_invocation_name(store.invocation_name, locale)
        errors += name_errors
        warnings += name_warnings
        types = {
            i.PRODUCT_TYPE: products[locale],
            i.CATEGORY_TYPE: categories[locale],
            i.ISP_PRODUCT_TYPE: isp_products[locale],
            i.COLLECTION_TYPE: collections[locale],
        }
        for type_name, entities in types.items():
            # An empty type is left out, unless the skill would then offer nothing at all.
            if entities or (type_name in _ORDERING_TYPES and not premium.offers_premium):
                errors += check_slot_values(locale, type_name, entities)
        types = {name: entities for name, entities in types.items() if entities}
        errors += check_slot_value_total(locale, types)
        model = build_interaction_model(
            invocation_name=store.invocation_name,
            locale=locale,
            products=products[locale],
            categories=categories[locale],
            isp_products=isp_products[locale],
            collections=collections[locale],
            account_linking=alexa_client is not None,
        )
        errors += check_samples(
            locale, model["interactionModel"]["languageModel"]["intents"], types
        )
        models[locale] = model
    errors += isp_validation_errors(store, products=premium.products)
    if errors:
        raise PackageInvalid(list(dict.fromkeys(errors)))

    manifest, manifest_warnings = build_manifest(
        store=store,
        locales=locales,
        products=products,
        categories=categories,
        premium=premium,
        collections=collections,
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
        account_linking=account_linking_request(alexa_client) if alexa_client else None,
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
    """A slot type value; ``synonyms`` only when there are some (Amazon's schema refuses an
    empty list)."""
    name: dict = {"value": entity.value}
    if entity.synonyms:
        name["synonyms"] = list(entity.synonyms)
    return {"id": entity.id, "name": name}


def _json(data: dict) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()
