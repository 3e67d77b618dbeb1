"""Die Stimme des Skills auf Deutsch für Premium-Inhalte und In-Skill-Käufe (``de_DE``
exportiert sie mit: eine Stimme pro Sprache, der Länge wegen in zwei Dateien).

Product names are spoken without an article (German needs the product's gender for one),
and no sentence names a price: Amazon states it in its own purchase dialogue.
"""

from . import ssml_escape


def _list(words: list[str], conjunction: str = "oder") -> str:
    words = [ssml_escape(w) for w in words]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


# Start und Hilfe -----------------------------------------------------------------------------


def content_choices(collections: list[str]) -> str:
    if not collections:
        return "Du kannst fragen, was du kaufen kannst. Was möchtest du?"
    return (
        f"Du kannst {_list(collections)} hören oder fragen, was du kaufen kannst. Was möchtest du?"
    )


def help_content(collections: list[str]) -> str:
    things = _list(collections) or "Inhalte"
    return f"Du kannst nach {things} fragen, fragen, was du kaufen kannst, oder Stopp sagen."


# Inhalte -------------------------------------------------------------------------------------

ANOTHER_QUESTION = "Möchtest du noch einen hören?"
HEARD_BEFORE = "Den hier kennst du schon."
NOTHING_TO_PLAY = "Hier gibt es noch nichts zu hören. Was möchtest du sonst?"


def units_left(count: int, name: str) -> str:
    if count == 0:
        return f"Das war dein letzter aus {ssml_escape(name)}."
    return f"Du hast noch {count} aus {ssml_escape(name)}."


def locked(name: str) -> str:
    return (
        f"Das gehört zu {ssml_escape(name)}. Sag: {ssml_escape(name)} kaufen, "
        "oder frag nach etwas Kostenlosem."
    )


# Vorschläge (Alexa liest die Nachricht, dann nennt Amazon den Preis) -----------------------

UPSELL_FINISHED = "Du hast alle kostenlosen gehört."
UPSELL_PREMIUM = "Das ist ein Premium-Inhalt."


def upsell_message(context: str, name: str, summary: str) -> str:
    summary = ssml_escape(summary.strip().rstrip("."))
    return f"{context} {ssml_escape(name)}: {summary}. Möchtest du mehr darüber erfahren?"


# Was kann ich kaufen, erzähl mir von, was habe ich gekauft ---------------------------------


def for_sale(products: list[tuple[str, str]]) -> str:
    parts = [f"{ssml_escape(n)}: {ssml_escape(s.strip().rstrip('.'))}." for n, s in products]
    return f"Du kannst kaufen: {' '.join(parts)} Worüber möchtest du mehr hören?"


NOTHING_FOR_SALE = "Du hast schon alles, was es zu kaufen gibt. Was möchtest du tun?"
SHOP_UNAVAILABLE = (
    "Ich kann gerade nicht prüfen, was es zu kaufen gibt. Möchtest du stattdessen etwas "
    "Kostenloses hören?"
)
HEAR_MORE_WHICH = "Sag: erzähl mir von, und den Namen."


def description(name: str, text: str) -> str:
    return f"{ssml_escape(name)}: {ssml_escape(text.strip())}"


BUY_QUESTION = "Möchtest du es kaufen?"


def which_purchase(names: list[str]) -> str:
    if not names:
        return "Im Moment gibt es nichts zu kaufen. Was möchtest du tun?"
    return f"Du kannst {_list(names)} kaufen. Was davon möchtest du?"


def owned(names: list[str]) -> str:
    return f"Du hast {_list(names, 'und')}. Was möchtest du tun?"


NOTHING_OWNED = "Du hast noch nichts gekauft. Sag: was kann ich kaufen, um die Angebote zu hören."


def already_owned(name: str) -> str:
    return f"{ssml_escape(name)} hast du schon."


def not_for_sale(name: str) -> str:
    return f"{ssml_escape(name)} gibt es im Moment nicht zu kaufen."


# Nach Amazons Kaufdialog -------------------------------------------------------------------


def bought(name: str) -> str:
    return f"Danke für deinen Kauf von {ssml_escape(name)}. Hier ist es."


DECLINED = "Alles klar."
PURCHASE_DID_NOT_GO_THROUGH = "Das hat leider nicht geklappt."
CANCEL_DONE_NEXT = "Was möchtest du als Nächstes tun?"


# Kündigen und Rückgabe ---------------------------------------------------------------------

NO_SUBSCRIPTION = "Du hast kein Abo, das du kündigen kannst. Was möchtest du tun?"


def choose_cancel(name: str) -> str:
    return (
        f"Du hast ein Nachfüllabo und {ssml_escape(name)}. Möchtest du {ssml_escape(name)} "
        "kündigen? Sag nein, um stattdessen dein Nachfüllabo zu kündigen."
    )


def one_of(names: list[str]) -> str:
    return f"etwas, das du hier gekauft hast, {_list(names)}"


def choose_refund(what: str) -> str:
    what = what if what.startswith("etwas") else ssml_escape(what)
    return (
        f"Geht es um {what}? Sag nein, wenn es um eine Bestellung geht, die wir dir "
        "geschickt haben."
    )


def which_cancel(names: list[str]) -> str:
    return f"Welches davon: {_list(names)}?"


NOTHING_TO_REFUND = "Du hast im Skill nichts gekauft, das du zurückgeben kannst."


# Wie viele habe ich noch -------------------------------------------------------------------

NO_UNITS = "Du hast keine mehr."


def inventory(entries: list[tuple[int, str]]) -> str:
    parts = [f"{count} aus {ssml_escape(name)}" for count, name in entries]
    return f"Du hast noch {_list(parts, 'und')}."


NO_CONSUMABLES = "Du hast noch keine Pakete. Sag: was kann ich kaufen, um die Angebote zu hören."
