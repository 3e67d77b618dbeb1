"""Alexa's rules for a skill's invocation name, per locale.

The store's settings form checks them on save, for every locale the store enables, and the
skill-package export checks them again before writing. English models accept only the
letters a to z; German models add ä, ö, ü and ß.
"""

import re

MAX_INVOCATION_CHARS = 50

_INVOCATION_CHARS = {
    "en": (re.compile(r"^[a-z' .]+$"), "the letters a to z"),
    "de": (re.compile(r"^[a-zäöüß' .]+$"), "the letters a to z, ä, ö, ü and ß"),
}
_WAKE_WORDS = {"alexa", "amazon", "echo", "computer", "skill", "app"}
_LAUNCH_WORDS = {
    "en": {"ask", "tell", "open", "launch", "load", "begin", "enable", "start", "run"},
    "de": {"öffne", "starte", "frag", "frage", "sag", "sage", "lade", "aktiviere", "beginne"},
}
_TWO_WORD_FILLERS = {
    "en": {"the", "a", "an", "for", "to", "of"},
    "de": {"der", "die", "das", "ein", "eine", "für", "zu", "von"},
}


def language(locale: str) -> str:
    return locale.split("-")[0].lower()


def check_invocation_name(name: str, locale: str) -> tuple[list[str], list[str]]:
    """Alexa's invocation name rules for one locale: ``(errors, warnings)``."""
    lang = language(locale)
    errors, warnings = [], []
    where = f'{locale}: invocation name "{name}"'
    if not name.strip():
        return [f"{locale}: the invocation name is empty."], []
    if name != name.lower():
        errors.append(f"{where} must be lower case.")
    if len(name) > MAX_INVOCATION_CHARS:
        errors.append(f"{where} is longer than {MAX_INVOCATION_CHARS} characters.")
    pattern, letters = _INVOCATION_CHARS.get(lang, _INVOCATION_CHARS["en"])
    if any(ch.isdigit() for ch in name):
        errors.append(f'{where} contains digits; spell numbers out ("twenty one").')
    elif not pattern.match(name.lower()):
        errors.append(
            f"{where} may contain only letters, spaces, apostrophes and periods "
            f'(for abbreviations such as "a. b. c."); in this language the letters are '
            f"{letters}."
        )
    words = name.lower().replace(".", " ").split()
    for word in words:
        if word in _WAKE_WORDS:
            errors.append(f'{where} contains "{word}", a wake word or a word Alexa reserves.')
        if word in _LAUNCH_WORDS.get(lang, set()) | _LAUNCH_WORDS["en"]:
            errors.append(f'{where} contains the launch word "{word}".')
    if len(words) == 2 and set(words) & _TWO_WORD_FILLERS.get(lang, set()):
        errors.append(
            f"{where}: a two-word invocation name cannot contain an article or 'for/to/of'."
        )
    if len(words) == 1:
        warnings.append(
            f"{where} is one word: Alexa accepts that only for a brand you can prove you own."
        )
    return errors, warnings


def invocation_name_errors(name: str, locales: list[str]) -> list[str]:
    """Every locale's errors, each said once (a rule broken in two locales reads once)."""
    seen, errors = set(), []
    for locale in locales:
        for error in check_invocation_name(name, locale)[0]:
            key = error.split(": ", 1)[-1]
            if key not in seen:
                seen.add(key)
                errors.append(error)
    return errors
