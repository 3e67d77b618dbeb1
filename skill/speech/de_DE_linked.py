"""Die Stimme des Skills auf Deutsch für das verknüpfte Kundenkonto aus dem Webshop: der
gemeinsame Warenkorb, der Wunschzettel, Bestellungen mit gespeicherter Karte und der
Sprachkauf-Code (``de_DE`` exportiert sie mit: eine Stimme pro Sprache, zwei Dateien).

Produktnamen werden ohne Artikel gesprochen (dafür bräuchte es das Geschlecht des Produkts).
"""

from . import ssml_escape


def _list(words: list[str], conjunction: str = "und") -> str:
    words = [ssml_escape(w) for w in words]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def card_name(brand: str, last4: str) -> str:
    """ "Visa mit der Endnummer 4242", die letzten vier Ziffern einzeln gelesen."""
    return f'{ssml_escape(brand)} mit der Endnummer <say-as interpret-as="digits">{last4}</say-as>'


def card_name_text(brand: str, last4: str) -> str:
    return f"{brand} mit der Endnummer {last4}"


# Verknüpfen ---------------------------------------------------------------------------------

LINK_ACCOUNT = (
    "Um deinen Warenkorb, deinen Wunschzettel und deine gespeicherten Karten zu nutzen, "
    "verknüpfe bitte dein Konto aus unserem Webshop. Ich habe dir dazu eine Karte in die "
    "Alexa App geschickt."
)
LINK_SCOPE_MISSING = (
    "Dein verknüpftes Konto erlaubt das noch nicht. Bitte verknüpfe es in der Alexa App neu "
    "und erlaube Warenkorb und Bestellungen. Ich habe dir dazu eine Karte geschickt."
)

# Der gemeinsame Warenkorb -------------------------------------------------------------------


def cart_contents(items_text: str, total: str) -> str:
    return (
        f"In deinem Warenkorb: {items_text}. Gesamtbetrag {total} mit Steuer und Versand. "
        "Zum Bestellen sag: bestelle meinen Warenkorb."
    )


CART_EMPTY = "Dein Warenkorb ist leer. Sag zum Beispiel: lege Rasiercreme in meinen Warenkorb."


def added_to_cart(name: str, quantity: int) -> str:
    now = "Jetzt ist eins davon drin." if quantity == 1 else f"Jetzt sind {quantity} davon drin."
    return f"Ich habe {ssml_escape(name)} in deinen Warenkorb gelegt. {now}"


ANYTHING_ELSE_CART = "Noch etwas? Du kannst auch sagen: bestelle meinen Warenkorb."

# Der Wunschzettel ---------------------------------------------------------------------------


def added_to_wish_list(name: str) -> str:
    return f"Ich habe {ssml_escape(name)} auf deinen Wunschzettel gesetzt."


def wish_list_contents(names: list[str]) -> str:
    return (
        f"Auf deinem Wunschzettel: {_list(names)}. Zum Bestellen sag: bestelle, dann den "
        "Namen, von meinem Wunschzettel."
    )


WISH_LIST_EMPTY = (
    "Dein Wunschzettel ist leer. Sag zum Beispiel: setze Rasiercreme auf meinen Wunschzettel."
)


def not_on_wish_list(name: str) -> str:
    return f"{ssml_escape(name)} steht nicht auf deinem Wunschzettel. Was möchtest du tun?"


# Bestellen mit gespeicherter Karte ----------------------------------------------------------


def card_order_summary(
    *,
    items_text: str,
    total: str,
    tax: str,
    shipping: str,
    card: str,
    address_text: str,
    prices_include_tax: bool,
) -> str:
    shipping_text = f"{shipping} Versand" if shipping else "kostenlosem Versand"
    tax_text = f"{tax} Mehrwertsteuer" if tax else "ohne Steuer"
    paying = (
        f"Ich belaste deine {card} und liefere an"
        if card
        else "Bezahlt wird bei Lieferung. Ich liefere an"
    )
    return (
        f"Deine Bestellung: {items_text}. Gesamtbetrag {total}, inklusive {tax_text} und "
        f"{shipping_text}. {paying} {address_text}. {CARD_ORDER_QUESTION}"
    )


CARD_ORDER_QUESTION = "Soll ich die Bestellung aufgeben?"
CARD_ORDER_KEPT = "Gut, ich habe nichts bestellt."
NO_SAVED_CARD = (
    "Du hast noch keine Karte gespeichert. Füge bitte eine in deinem Konto in unserem Webshop "
    "hinzu und frag mich dann noch einmal."
)
NO_SAVED_ADDRESS = (
    "Ich habe noch keine Lieferadresse von dir. Füge bitte eine in deinem Konto in unserem "
    "Webshop hinzu und frag mich dann noch einmal."
)


def cart_unavailable(names: list[str]) -> str:
    verb = "ist" if len(names) == 1 else "sind"
    return (
        f"Entschuldigung, {_list(names)} {verb} gerade nicht verfügbar, deshalb kann ich deinen "
        "Warenkorb nicht bestellen. Du kannst ihn in unserem Webshop ändern."
    )


CART_GONE = (
    "Dein Warenkorb ist jetzt leer. Wenn er gerade auf einem anderen Gerät bestellt wurde, ist "
    "diese Bestellung aufgegeben."
)


def card_order_placed(number: str, total: str, card: str) -> str:
    return (
        f"Erledigt. {total} gehen auf deine {card}, und deine Bestellung {number} ist aufgegeben."
    )


def card_declined(card: str) -> str:
    return (
        f"Deine {card} wurde abgelehnt. Deine Bestellung wurde nicht aufgegeben, und dir wurde "
        "nichts berechnet. Du kannst in unserem Webshop eine andere Karte verwenden."
    )


PAYMENT_LINK_SENT = (
    "Deine Bank möchte, dass du diese Zahlung bestätigst. Ich habe dir einen Link geschickt, "
    "um sie auf deinem Handy abzuschließen: in der Alexa App und per E-Mail. Deine Bestellung "
    "wird aufgegeben, sobald du dort fertig bist."
)
PAYMENT_LINK_CARD_TITLE = "Zahlung abschließen"


def payment_link_card(store: str, url: str) -> str:
    return (
        f"{store}: Deine Bank möchte, dass du deine Zahlung bestätigst.\n"
        f"Hier abschließen: {url}\n"
        "Deine Bestellung wird aufgegeben, sobald du fertig bist."
    )


def paid_with_card(card: str) -> str:
    return f"Bezahlt mit deiner {card}."


# Der Sprachkauf-Code ------------------------------------------------------------------------

VOICE_CODE_PROMPT = "Sag bitte deinen vierstelligen Sprachkauf-Code."
VOICE_CODE_WRONG = (
    "Dieser Code stimmt nicht. Sag bitte deinen vierstelligen Sprachkauf-Code noch einmal."
)
VOICE_CODE_LOCKED = (
    "Auch dieser Code stimmt nicht. Nach drei falschen Codes sind Sprachkäufe für 15 Minuten "
    "gesperrt. Es wurde nichts bestellt und dir wurde nichts berechnet."
)


def voice_purchases_paused(minutes: int) -> str:
    unit = "Minute" if minutes == 1 else "Minuten"
    return (
        "Sprachkäufe sind nach drei falschen Codes gesperrt. Versuch es bitte in "
        f"{minutes} {unit} noch einmal."
    )


VOICE_CODE_NOT_SET = (
    "Dieser Shop fragt nach einem Sprachkauf-Code, bevor er deine Karte belastet, und du hast "
    "noch keinen festgelegt. Das geht in deinem Konto in unserem Webshop."
)
VOICE_CODE_NOT_ASKED = "Ich habe gerade nicht nach einem Code gefragt. Was möchtest du tun?"
