"""Sample utterance templates ("order {Quantity} packs of {Product}") and matching them.

Used twice: the package validation looks for utterances that two intents would both
claim, and the voice test console turns typed text into an intent and slot values. Both
therefore read a sample the same way: case-insensitive, punctuation ignored, a slot
standing for one of its type's values or synonyms (or a number for ``AMAZON.NUMBER``).
"""

import re
from dataclasses import dataclass

from voicelab.package.catalog import Entity

SLOT = re.compile(r"\{(\w+)\}")
_PUNCTUATION = re.compile(r"[^\w\s']", re.UNICODE)
_HOLE = "zzslotzz"  # stands for a slot while a sample is normalized
NUMBER_TYPE = "AMAZON.NUMBER"
FOUR_DIGIT_TYPE = "AMAZON.FOUR_DIGIT_NUMBER"  # the voice purchase code


def normalize(text: str) -> str:
    """Lower case, punctuation (except apostrophes) dropped, single spaces."""
    return " ".join(_PUNCTUATION.sub(" ", text.lower().replace("’", "'")).split())


@dataclass(frozen=True)
class Template:
    intent: str
    sample: str
    slot_types: tuple[tuple[str, str], ...]  # (slot name, slot type) in order of appearance
    parts: tuple[str, ...]  # the literal text around the slots (one more than slots)
    literal_chars: int  # letters outside slots: more means a more specific sample

    @classmethod
    def build(cls, intent: str, sample: str, slot_types: dict[str, str]) -> "Template":
        text = normalize(SLOT.sub(_HOLE, sample))
        slots = tuple((name, slot_types.get(name, "")) for name in SLOT.findall(sample))
        return cls(
            intent=intent,
            sample=sample,
            slot_types=slots,
            parts=tuple(text.split(_HOLE)),
            literal_chars=len(text.replace(_HOLE, "").replace(" ", "")),
        )

    @property
    def has_slots(self) -> bool:
        return bool(self.slot_types)

    def skeleton(self) -> str:
        """The sample with each slot replaced by its type: equal skeletons say the same."""
        out = [self.parts[0]]
        for (_name, type_name), part in zip(self.slot_types, self.parts[1:], strict=True):
            out.append("{" + type_name + "}" + part)
        return "".join(out)


class SlotVocabulary:
    """What each slot type accepts: its values and synonyms, or numbers."""

    def __init__(self, entities_by_type: dict[str, list[Entity]], number_words: dict[str, int]):
        self.entities_by_type = entities_by_type
        self.number_words = number_words
        self._lookup: dict[str, dict[str, tuple[Entity, str]]] = {}
        for type_name, entities in entities_by_type.items():
            table: dict[str, tuple[Entity, str]] = {}
            for entity in entities:
                for phrase in entity.phrases():
                    key = normalize(phrase)
                    if key and key not in table:
                        table[key] = (entity, phrase)
            self._lookup[type_name] = table

    def resolve(self, type_name: str, text: str):
        """``(entity, phrase)`` for a custom type, ``(None, "2")`` for a number, or ``False``
        when ``text`` is none of the type's values."""
        text = normalize(text)
        if type_name == FOUR_DIGIT_TYPE:
            digits = text.replace(" ", "")
            return (None, digits) if digits.isdigit() and len(digits) == 4 else False
        if type_name == NUMBER_TYPE:
            if text.isdigit():
                return None, text
            if text in self.number_words:
                return None, str(self.number_words[text])
            return False
        found = self._lookup.get(type_name, {}).get(text)
        return found if found else False

    def phrases(self, type_name: str) -> set[str]:
        if type_name == NUMBER_TYPE:
            return set(self.number_words)
        return set(self._lookup.get(type_name, {}))


@dataclass
class Match:
    intent: str
    template: Template
    slots: dict[str, dict]  # slot name -> {"value": spoken, "id": entity id or None, ...}


def match_template(template: Template, text: str, vocabulary: SlotVocabulary) -> Match | None:
    """Match normalized ``text`` against one template, trying every way to split it."""
    if not template.has_slots:
        return Match(template.intent, template, {}) if template.parts[0] == text else None
    for spans in _splits(template.parts, text, 0):
        slots = {}
        for (name, type_name), raw in zip(template.slot_types, spans, strict=True):
            resolved = vocabulary.resolve(type_name, raw)
            if resolved is False:
                break
            entity, phrase = resolved
            slots[name] = {
                "type": type_name,
                "value": raw if entity else phrase,
                "id": entity.id if entity else None,
                "resolved": entity.value if entity else None,
            }
        else:
            return Match(template.intent, template, slots)
    return None


def _splits(parts: tuple[str, ...], text: str, start: int):
    """Every way of cutting ``text`` into slot spans between the template's literals."""
    head = parts[0]
    if not text.startswith(head, start):
        return
    pos = start + len(head)
    if len(parts) == 2:
        end = len(text) - len(parts[1])
        if end > pos and text.endswith(parts[1]):
            span = text[pos:end]
            if span == span.strip():
                yield [span]
        return
    following = parts[1]
    idx = text.find(following, pos + 1) if following else -1
    while idx >= 0:
        span = text[pos:idx]
        if span == span.strip():
            for rest in _splits(parts[1:], text, idx):
                yield [span, *rest]
        idx = text.find(following, idx + 1)
