"""The interaction model build: the clear cases where Amazon's build fails, with its kind of
error messages (SMAPI ``StandardizedError`` objects: ``code`` and ``message``).

- an invalid invocation name (Alexa's rules, ``merchant.invocation``);
- a custom slot type without values;
- the same sample utterance under two intents;
- a sample naming a slot its intent does not declare.
"""

import re

from merchant.invocation import check_invocation_name

_SLOT_REFERENCE = re.compile(r"\{([^}]*)\}")


def _error(code: str, message: str) -> dict:
    return {"code": code, "message": message}


def _samples_key(sample: str) -> str:
    return " ".join(sample.lower().split())


def build_errors(model: dict, locale: str) -> list[dict]:
    """Every error the build of ``model`` (an ``InteractionModelData``) reports."""
    language_model = (model.get("interactionModel") or {}).get("languageModel")
    if not isinstance(language_model, dict):
        return [_error("MISSING_LANGUAGE_MODEL", "The interaction model has no languageModel.")]
    errors = []
    name = language_model.get("invocationName")
    if not isinstance(name, str) or not name.strip():
        errors.append(_error("INVALID_INVOCATION_NAME", "Invocation name is required."))
    else:
        for problem in check_invocation_name(name, locale)[0]:
            message = problem.split(": ", 1)[-1]
            message = message[0].upper() + message[1:]
            errors.append(_error("INVALID_INVOCATION_NAME", message))
    for slot_type in language_model.get("types") or []:
        if not slot_type.get("values"):
            errors.append(
                _error(
                    "EMPTY_SLOT_TYPE",
                    f'Slot type "{slot_type.get("name", "")}" must have at least one value.',
                )
            )
    first_intent_of: dict[str, str] = {}
    for intent in language_model.get("intents") or []:
        intent_name = intent.get("name", "")
        declared = {slot.get("name") for slot in intent.get("slots") or []}
        for sample in intent.get("samples") or []:
            key = _samples_key(sample)
            other = first_intent_of.setdefault(key, intent_name)
            if other != intent_name:
                errors.append(
                    _error(
                        "CONFLICTING_SAMPLE_UTTERANCE",
                        f'Sample utterance "{sample}" in intent "{intent_name}" is already '
                        f'used in intent "{other}". A sample utterance may belong to only '
                        "one intent.",
                    )
                )
            for slot in _SLOT_REFERENCE.findall(sample):
                if slot not in declared:
                    errors.append(
                        _error(
                            "UNDEFINED_SLOT_IN_SAMPLE",
                            f'Sample utterance "{sample}" in intent "{intent_name}" refers '
                            f'to slot "{slot}", which is not defined for this intent.',
                        )
                    )
    return errors
