"""Typed text -> intent and slots, with the interaction model the store exports.

The console does not guess: it matches what the owner types against the exported model's
sample utterances, slot values and synonyms (and the phrases Alexa's built-in intents
know), the way a literal test client such as virtual-alexa does. The most specific sample
wins: more words outside slots first, then more slots filled. Text nothing matches goes
to ``AMAZON.FallbackIntent``, as Alexa would send it. "open <invocation name>" is a
launch; "ask <invocation name> to <utterance>" opens the skill with that utterance.
"""

from dataclasses import dataclass, field

from skill import intents as i
from voicelab.package.catalog import Entity
from voicelab.package.samples import BUILT_IN_PHRASES, NUMBER_WORDS, language
from voicelab.package.utterances import SlotVocabulary, Template, match_template, normalize

LAUNCH = "LaunchRequest"
INTENT = "IntentRequest"

_LAUNCH_WORDS = {
    "en": ["open", "start", "launch", "begin", "load", "talk to", "run"],
    "de": ["öffne", "starte", "start", "aktiviere", "lade"],
}
_ASK_WORDS = {
    "en": ["ask", "tell", "use"],
    "de": ["frag", "frage", "sag", "sage", "bitte"],
}
_CONNECTORS = {
    "en": ["to", "for", "about", "that", "if", "whether", "and"],
    "de": ["nach", "ob", "dass", "zu", "und"],
}


@dataclass
class Understood:
    request_type: str  # LaunchRequest or IntentRequest
    intent: str = ""
    slots: dict = field(default_factory=dict)  # slot name -> {"type", "value", "id", "resolved"}
    slot_types: dict = field(default_factory=dict)  # every slot the intent declares
    sample: str = ""  # the sample utterance that matched ("" for fallback or launch)
    text: str = ""

    def as_dict(self) -> dict:
        return {
            "request_type": self.request_type,
            "intent": self.intent,
            "slots": self.slots,
            "sample": self.sample,
        }


class Matcher:
    def __init__(self, model: dict, locale: str):
        language_model = model["interactionModel"]["languageModel"]
        self.locale = locale
        self.lang = language(locale)
        self.invocation_name = normalize(language_model["invocationName"])
        self.slots_of: dict[str, dict[str, str]] = {}
        self.templates: list[Template] = []
        for intent in language_model["intents"]:
            slot_types = {s["name"]: s["type"] for s in intent.get("slots", [])}
            self.slots_of[intent["name"]] = slot_types
            self.templates += [
                Template.build(intent["name"], sample, slot_types) for sample in intent["samples"]
            ]
        for intent_name, phrases in BUILT_IN_PHRASES.get(self.lang, {}).items():
            self.templates += [Template.build(intent_name, phrase, {}) for phrase in phrases]
        self.vocabulary = SlotVocabulary(
            {
                t["name"]: [
                    Entity(
                        id=v["id"],
                        value=v["name"]["value"],
                        synonyms=tuple(v["name"].get("synonyms", [])),
                        label=v["name"]["value"],
                    )
                    for v in t["values"]
                ]
                for t in language_model.get("types", [])
            },
            NUMBER_WORDS.get(self.lang, {}),
        )

    def understand(self, typed: str) -> Understood:
        text = normalize(typed)
        invocation = self._strip_invocation(text)
        if invocation is not None:
            text = invocation
            if not text:
                return Understood(LAUNCH, text=typed)
        best = None
        for template in self.templates:
            match = match_template(template, text, self.vocabulary)
            if match is None:
                continue
            score = (template.literal_chars, len(match.slots))
            if best is None or score > best[0]:
                best = (score, match)
        if best is None:
            return Understood(INTENT, intent=i.FALLBACK, text=typed)
        match = best[1]
        return Understood(
            INTENT,
            intent=match.intent,
            slots=match.slots,
            slot_types=self.slots_of.get(match.intent, {}),
            sample=match.template.sample,
            text=typed,
        )

    def intent(self, name: str) -> Understood:
        """A button press: the intent with its slots empty."""
        return Understood(INTENT, intent=name, slot_types=self.slots_of.get(name, {}), text="")

    def _strip_invocation(self, text: str) -> str | None:
        """The utterance after "alexa, ask <name> to ..." ("" for a bare launch); None if
        the text does not address the skill by name."""
        if text.startswith("alexa "):
            text = text[len("alexa ") :]
        for word in _LAUNCH_WORDS.get(self.lang, []) + _ASK_WORDS.get(self.lang, []):
            head = f"{word} {self.invocation_name}"
            if text == head:
                return ""
            if text.startswith(head + " "):
                rest = text[len(head) + 1 :]
                for connector in _CONNECTORS.get(self.lang, []):
                    if rest.startswith(connector + " "):
                        return rest[len(connector) + 1 :]
                return rest
        if text == self.invocation_name:
            return ""
        return None
