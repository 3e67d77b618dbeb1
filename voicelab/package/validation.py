"""Checks run on a skill package before anything is written.

Errors are what Alexa's model build or certification would reject, or what would make the
skill misunderstand shoppers (one synonym naming two products, one utterance claimed by
two intents). Each message names the locale and the product, category or utterance, so
the owner knows what to edit in the catalog. Warnings do not stop the export.
"""

import re
from collections import defaultdict

from skill import intents as i
from voicelab.package.catalog import Entity
from voicelab.package.samples import BUILT_IN_PHRASES, NUMBER_WORDS, language
from voicelab.package.utterances import (
    NUMBER_TYPE,
    SlotVocabulary,
    Template,
    match_template,
    normalize,
)

MAX_SLOT_VALUE_CHARS = 140
MAX_SAMPLE_CHARS = 200
# Alexa: "a skill can have a total of 50,000 custom slot values, totaled across all custom
# slots used in the interaction model" (per locale's model; synonyms are not values).
MAX_CUSTOM_SLOT_VALUES = 50_000

_INVOCATION_CHARS = {
    "en": re.compile(r"^[a-z' .]+$"),
    "de": re.compile(r"^[a-zäöüß' .]+$"),
}
_SAMPLE_CHARS = re.compile(r"^[\w' .{}-]+$", re.UNICODE)


class PackageInvalid(Exception):
    """The package would be rejected by Alexa or would confuse shoppers."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def check_slot_value_total(locale: str, types: dict[str, list[Entity]]) -> list[str]:
    total = sum(len(entities) for entities in types.values())
    if total <= MAX_CUSTOM_SLOT_VALUES:
        return []
    counts = ", ".join(f"{name} {len(entities):,}" for name, entities in types.items())
    return [
        f"{locale}: the model has {total:,} custom slot values ({counts}); Alexa allows "
        f"{MAX_CUSTOM_SLOT_VALUES:,} in all. Deactivate products the skill need not sell."
    ]


def check_slot_values(locale: str, type_name: str, entities: list[Entity]) -> list[str]:
    errors = []
    if not entities:
        what = "active products" if type_name == i.PRODUCT_TYPE else "categories"
        errors.append(f"{locale}: slot type {type_name} has no values (the store has no {what}).")
    owner: dict[str, Entity] = {}
    for entity in entities:
        if not entity.value:
            errors.append(f"{locale}: {entity.label} has an empty name.")
        if any(not synonym for synonym in entity.synonyms):
            errors.append(f"{locale}: {entity.label} has an empty synonym.")
        for phrase in entity.phrases():
            if not phrase:
                continue
            if len(phrase) > MAX_SLOT_VALUE_CHARS:
                errors.append(
                    f'{locale}: {entity.label}: "{phrase[:40]}…" is {len(phrase)} characters; '
                    f"Alexa allows {MAX_SLOT_VALUE_CHARS} per slot value or synonym."
                )
            key = normalize(phrase)
            if not key:
                errors.append(f'{locale}: {entity.label}: "{phrase}" has no letters or digits.')
                continue
            other = owner.setdefault(key, entity)
            if other is not entity and other.id != entity.id:
                errors.append(
                    f'{locale}: "{phrase}" names both {other.label} and {entity.label}; '
                    "a synonym may name only one."
                )
    return errors


def check_samples(
    locale: str, intents: list[dict], entities_by_type: dict[str, list[Entity]]
) -> list[str]:
    """Malformed samples, and utterances two intents would both claim."""
    errors = []
    lang = language(locale)
    templates: list[Template] = []
    for intent in intents:
        slot_types = {slot["name"]: slot["type"] for slot in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            where = f'{locale}: sample "{sample}" of {intent["name"]}'
            if len(sample) > MAX_SAMPLE_CHARS:
                errors.append(f"{where} is longer than {MAX_SAMPLE_CHARS} characters.")
            if not _SAMPLE_CHARS.match(sample) or any(ch.isdigit() for ch in sample):
                errors.append(f"{where} may contain only words, spaces, apostrophes and slots.")
            template = Template.build(intent["name"], sample, slot_types)
            missing = [name for name, type_name in template.slot_types if not type_name]
            if missing:
                errors.append(f"{where} uses undeclared slot(s): {', '.join(missing)}.")
                continue
            templates.append(template)
    for intent_name, phrases in BUILT_IN_PHRASES.get(lang, {}).items():
        templates += [Template.build(intent_name, phrase, {}) for phrase in phrases]

    # 1. The same words in two intents.
    seen: dict[str, Template] = {}
    for template in templates:
        first = seen.setdefault(template.skeleton(), template)
        if first.intent != template.intent:
            errors.append(
                f'{locale}: sample "{template.sample}" is in both {first.intent} and '
                f"{template.intent}."
            )

    # 2. The same words around slots of different types that share a value.
    vocabulary = SlotVocabulary(entities_by_type, NUMBER_WORDS.get(lang, {}))
    by_frame: dict[tuple[str, ...], list[Template]] = defaultdict(list)
    for template in templates:
        if len(template.slot_types) == 1:
            by_frame[template.parts].append(template)
    for group in by_frame.values():
        for a_index, a in enumerate(group):
            for b in group[a_index + 1 :]:
                type_a, type_b = a.slot_types[0][1], b.slot_types[0][1]
                if a.intent == b.intent or type_a == type_b:
                    continue
                shared = sorted(vocabulary.phrases(type_a) & vocabulary.phrases(type_b))
                if shared:
                    errors.append(
                        f'{locale}: "{a.sample}" ({a.intent}) and "{b.sample}" ({b.intent}) '
                        f'both match "{shared[0]}", a value of {type_a} and of {type_b}.'
                    )

    # 3. A fixed utterance of one intent that a slot sample of another intent also matches.
    fixed = [t for t in templates if not t.has_slots]
    slotted = [t for t in templates if t.has_slots]
    for literal in fixed:
        text = literal.parts[0]
        for template in slotted:
            if template.intent == literal.intent or not text.startswith(template.parts[0]):
                continue
            match = match_template(template, text, vocabulary)
            if match:
                names = "; ".join(
                    _describe_slot(entities_by_type, slot) for slot in match.slots.values()
                )
                errors.append(
                    f'{locale}: "{literal.sample}" ({literal.intent}) also matches '
                    f'"{template.sample}" ({template.intent}) through {names}.'
                )
    return errors


def _describe_slot(entities_by_type, slot: dict) -> str:
    if slot["type"] == NUMBER_TYPE:
        return f'the number "{slot["value"]}"'
    for entity in entities_by_type.get(slot["type"], []):
        if entity.id == slot["id"]:
            return f'"{slot["value"]}" of {entity.label}'
    return f'"{slot["value"]}"'
