"""Die Stimme des Skills auf Deutsch.

Funktionen bekommen Rohtext (Shop-, Produktnamen, Richtlinien, Adressen) und maskieren ihn
selbst für SSML; nur ``pitch`` bekommt Name und Beschreibung schon maskiert. Beträge kommen
schon gesprochen (``money()``). Kartentext ist reiner Text.
"""

from decimal import Decimal

from . import split_money, ssml_escape

CURRENCY_NAMES = {
    "EUR": ("Euro", "Euro", "Cent"),
    "USD": ("Dollar", "Dollar", "Cent"),
    "GBP": ("Pfund", "Pfund", "Pence"),
}


def money(amount: Decimal, currency: str) -> str:
    whole, minor = split_money(amount)
    one, many, minor_name = CURRENCY_NAMES.get(currency, CURRENCY_NAMES["EUR"])
    if whole == 0 and minor:
        return f"{minor} {minor_name}"
    text = f"{whole} {one if whole == 1 else many}"
    if minor:
        text += f" {minor}"
    return text


def pitch(name: str, description: str, price: str) -> str:
    """Das Produkt in einem Atemzug. ``name`` und ``description`` kommen SSML-maskiert."""
    if description:
        return f"{name}: {description.rstrip('.')}, für {price}."
    return f"{name} für {price}."


PITCH_QUESTION = "Möchtest du es bestellen?"
PITCH_QUESTION_MANY = "Möchtest du sie bestellen?"


def quantity_price(quantity: int, total: str) -> str:
    return f"{quantity} Stück kosten {total}."


def spoken_list(words: list[str], conjunction: str = "oder") -> str:
    words = [ssml_escape(w) for w in words]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {conjunction} {words[-1]}"


def item(quantity: int, name: str) -> str:
    return f"{quantity} mal {name}" if quantity != 1 else f"1 mal {name}"


def items(lines: list[tuple[int, str]]) -> str:
    return spoken_list([item(q, n) for q, n in lines], "und")


WELCOMES = [
    "Willkommen bei {store}.",
    "Hallo, hier ist {store}.",
    "Schön, dass du wieder da bist, hier ist {store}.",
]


def welcome(store: str, visit: int) -> str:
    return WELCOMES[visit % len(WELCOMES)].format(store=ssml_escape(store))


CHOICE_PROMPTS = [
    "Möchtest du {choices}?",
    "Du kannst {choices} bestellen. Was darf es sein?",
    "Wir haben {choices}. Was möchtest du?",
]


def choices(names: list[str], visit: int = 0) -> str:
    if not names:
        return NOTHING_TO_SELL
    return CHOICE_PROMPTS[visit % len(CHOICE_PROMPTS)].format(choices=spoken_list(names))


NOTHING_TO_SELL = "Im Moment gibt es nichts zu bestellen. Schau bald wieder vorbei."


def offer_resume(items_text: str) -> str:
    return (
        f"Du hast eine unvollständige Bestellung: {items_text}. Möchtest du sie fortsetzen? "
        "Sag nein, um neu anzufangen."
    )


def offer_reorder(items_text: str) -> str:
    return f"Letztes Mal hast du {items_text} bestellt. Möchtest du das wieder bestellen?"


RESUME_PROMPT = "Möchtest du deine Bestellung fortsetzen oder neu anfangen?"
REORDER_PROMPT = "Möchtest du das wieder bestellen?"
FRESH_START = "Gut, wir fangen neu an."
WHAT_NEXT = "Was möchtest du tun?"
ANYTHING_ELSE = "Kann ich sonst noch etwas für dich tun?"


def which_product(names: list[str]) -> str:
    if not names:
        return f"Entschuldigung, welches Produkt meinst du? {NOTHING_TO_SELL}"
    return (
        "Entschuldigung, welches Produkt meinst du? "
        f"Wir haben {spoken_list(names)}. Was möchtest du?"
    )


def not_available(name: str, alternatives: list[str]) -> str:
    text = f"{ssml_escape(name)} ist im Moment leider nicht verfügbar."
    if alternatives:
        text += f" Wir haben aber {spoken_list(alternatives)}. Was möchtest du?"
    return text


def nothing_in_category(category_name: str) -> str:
    return f"Aus {ssml_escape(category_name)} kann ich dir im Moment leider nichts anbieten."


def category_products(category: str, names: list[str]) -> str:
    return f"Bei {ssml_escape(category)} haben wir {spoken_list(names)}. Was möchtest du?"


def too_many(maximum: int) -> str:
    return f"Ich kann höchstens {maximum} Stück auf einmal bestellen. Wie viele möchtest du?"


def already_own(name: str, refills: list[str]) -> str:
    text = f"Du hast {ssml_escape(name)} schon."
    if refills:
        text += f" Möchtest du stattdessen {spoken_list(refills)}?"
    return text


def unavailable_left_out(names: list[str]) -> str:
    return f"{spoken_list(names, 'und')} {'ist' if len(names) == 1 else 'sind'} nicht verfügbar."


NEED_PERMISSION = (
    "Um zu bestellen, aktiviere bitte Amazon Pay und den Sprachkauf für diesen Skill in der "
    "Alexa App. Ich habe dir dazu eine Karte in die Alexa App geschickt."
)
NEED_ADDRESS_PERMISSION = (
    "Damit wir liefern können, brauche ich deine Adresse. Erlaube diesem Skill bitte auf der "
    "Karte in der Alexa App, die Adresse deines Geräts und deine E-Mail-Adresse für die "
    "Bestellbestätigung zu verwenden. Deine Bestellung bleibt so lange gespeichert."
)
NO_DEVICE_ADDRESS = (
    "Für dieses Gerät ist keine Adresse hinterlegt. Trage bitte in den Geräteeinstellungen der "
    "Alexa App eine ein und öffne den Skill dann wieder: Deine Bestellung bleibt gespeichert."
)
ADDRESS_UNAVAILABLE = (
    "Entschuldigung, ich konnte deine Adresse gerade nicht abrufen. Versuch es bitte gleich "
    "noch einmal: Deine Bestellung bleibt gespeichert."
)


def address(destination: dict[str, str]) -> str:
    parts = [
        destination.get("addressLine1"),
        destination.get("addressLine2"),
        destination.get("postalCode"),
        destination.get("city"),
    ]
    # Only text is spoken: an address kept by an older release may hold other values.
    return ssml_escape(", ".join(p for p in parts if isinstance(p, str) and p))


def summary(
    *,
    seller: str,
    items_text: str,
    total: str,
    tax: str,
    shipping: str | None,
    address_text: str,
    pay_on_delivery: bool,
    prices_include_tax: bool,
) -> str:
    shipping_text = f"{shipping} Versand" if shipping else "kostenlosem Versand"
    tax_text = f"{tax} Mehrwertsteuer" if tax else "ohne Steuer"
    text = (
        f"Deine Bestellung bei {ssml_escape(seller)}: {items_text}. "
        f"Gesamtbetrag {total}, inklusive {tax_text} und {shipping_text}."
    )
    if address_text:
        text += f" Lieferung an {address_text}."
    if pay_on_delivery:
        text += " Bezahlt wird bei Lieferung."
    return f"{text} {COMPLETE_QUESTION}"


COMPLETE_QUESTION = "Soll ich deine Bestellung jetzt abschließen?"


def paid(amount: str) -> str:
    return (
        f"{amount} werden mit Amazon Pay bezahlt. Mehr Informationen in der Alexa App. "
        "Deine Bestellung ist aufgegeben."
    )


def placed_pay_on_delivery(amount: str) -> str:
    return f"Deine Bestellung ist aufgegeben. {amount} bezahlst du bei Lieferung."


NOT_PLACED = "Deine Bestellung wurde nicht aufgegeben, und dir wurde nichts berechnet."
SOLD_OUT_PAYMENT_RETURNED = (
    "Entschuldige, der Artikel war gerade ausverkauft, deshalb wurde deine Bestellung nicht "
    "aufgegeben. Die Zahlung wird dir vollständig erstattet."
)
DECLINE_CONTINUE = (
    "Du kannst es noch einmal versuchen oder etwas anderes bestellen. Was möchtest du?"
)
AGREEMENT_NOT_OPEN = (
    "Amazon Pay ist für diesen Skill gerade nicht eingerichtet, deshalb kann ich nicht "
    "bestellen. Sieh dir Amazon Pay in der Alexa App an."
)
MERCHANT_PROBLEM = (
    "Entschuldigung, der Shop kann gerade keine Sprachbestellungen annehmen. Dir wurde nichts "
    "berechnet. Versuch es bitte später noch einmal."
)
PAYMENT_INTERRUPTED = "Deine Bestellung wurde nicht aufgegeben. Du kannst sie später fortsetzen."
ORDER_ALREADY_PLACED = "Diese Bestellung ist schon aufgegeben."
EMPTY_CART = "Dein Warenkorb ist leer. Was möchtest du bestellen?"
KEEP_CART = "Gut, ich hebe deine Bestellung für später auf."


def confirmation_card_title(number: str) -> str:
    return f"Bestellung {number} aufgegeben"


def confirmation_card(
    *, seller: str, number: str, lines: list[str], total: str, address_text: str, paid_by: str
) -> str:
    body = [f"Verkäufer: {seller}", f"Bestellnummer: {number}", *lines, f"Gesamt: {total}"]
    body.append(paid_by)
    if address_text:
        body.append(f"Lieferung an: {address_text}")
    body.append("Die Details findest du auch in deiner E-Mail.")
    return "\n".join(body)


PAID_WITH_AMAZON_PAY = "Bezahlt mit Amazon Pay."
PAY_ON_DELIVERY_CARD = "Zahlung bei Lieferung."


def refill_offer(name: str, weeks: int) -> str:
    return (
        f"Möchtest du ein Nachfüll-Abo? Ich schicke dir alle {weeks} Wochen "
        f"{ssml_escape(name)}, kündbar jederzeit."
    )


def refill_started(name: str, weeks: int) -> str:
    return (
        f"Erledigt. Alle {weeks} Wochen kommt {ssml_escape(name)}. "
        "Zum Beenden sag: kündige mein Abo."
    )


REFILL_DECLINED = "Gut, kein Abo."
NO_REFILL_PLAN = "Du hast kein Nachfüll-Abo."


def confirm_cancel_refills(names: list[str]) -> str:
    return f"Du bekommst {spoken_list(names, 'und')} im Abo. Soll ich es kündigen?"


REFILLS_CANCELLED = "Dein Abo ist gekündigt. Es wird nichts mehr geschickt oder berechnet."
REFILLS_KEPT = "Gut, dein Abo bleibt, wie es ist."

# Benachrichtigungen über Alexa (einmal angeboten, nach einer Bestellung) -----------------------

ORDER_UPDATES_OFFER = (
    "Möchtest du eine Benachrichtigung von Alexa, sobald deine Bestellung verschickt wird?"
)
ORDER_UPDATES_PERMISSION = (
    "Gut. Erlaube bitte Benachrichtigungen in der Karte, die ich dir in die Alexa App "
    "geschickt habe, dann sage ich dir Bescheid, sobald deine Bestellung verschickt wird."
)
ORDER_UPDATES_DECLINED = "Gut, keine Benachrichtigungen."

NO_ORDERS = "Du hast noch keine Bestellungen bei uns."


def status_placed(number: str, items_text: str, promise: str) -> str:
    text = f"Deine Bestellung {number}, {items_text}, ist aufgegeben und wird bald verschickt."
    return f"{text} {ssml_escape(promise)}" if promise else text


def status_shipped(number: str, items_text: str, carrier: str) -> str:
    via = f" mit {ssml_escape(carrier)}" if carrier else ""
    return f"Deine Bestellung {number}, {items_text}, wurde{via} verschickt und ist unterwegs."


def status_delivered(number: str, items_text: str) -> str:
    return f"Deine Bestellung {number}, {items_text}, wurde zugestellt."


def status_cancelled(number: str, items_text: str) -> str:
    return f"Deine Bestellung {number}, {items_text}, wurde storniert."


def status_refunded(number: str, items_text: str, amount: str) -> str:
    return f"Deine Bestellung {number}, {items_text}, wurde erstattet: {amount}."


def status_partially_refunded(number: str, items_text: str, amount: str) -> str:
    return f"Deine Bestellung {number}, {items_text}, wurde teilweise erstattet: {amount}."


def confirm_cancel(number: str, items_text: str, total: str) -> str:
    return (
        f"Deine letzte Bestellung ist {number}: {items_text}, für {total}. Soll ich sie stornieren?"
    )


NOTHING_TO_CANCEL = "Du hast keine Bestellung, die storniert werden kann."
ORDER_KEPT = "Gut, ich storniere sie nicht."


def cancelled_refund(number: str, amount: str) -> str:
    return (
        f"Bestellung {number} ist storniert. Die {amount}, die du bezahlt hast, gehen in "
        "wenigen Tagen an deine Amazon Pay Zahlungsart zurück."
    )


def cancelled_released(number: str) -> str:
    return f"Bestellung {number} ist storniert. Die Zahlung wurde nicht eingezogen."


def cancelled_nothing_paid(number: str) -> str:
    return f"Bestellung {number} ist storniert. Du hast noch nichts bezahlt."


def contact(phone: str, email: str, url: str) -> str:
    ways = [
        w for w in (f"ruf {phone} an" if phone else "", f"schreib an {email}" if email else "") if w
    ]
    if not ways and url:
        ways = [f"besuche {url}"]
    return spoken_list(ways) if ways else ""


def cannot_cancel_shipped(number: str, policy: str, contact_text: str) -> str:
    text = (
        f"Bestellung {number} ist schon verschickt, deshalb kann ich sie nicht stornieren. "
        "Du kannst sie zurückschicken."
    )
    if policy:
        text += f" {ssml_escape(policy)}"
    if contact_text:
        text += f" Für die Rücksendung {contact_text}."
    return f"{text} Sobald der Shop die Ware hat, bekommst du dein Geld zurück."


def refund_guidance(store: str, policy: str, contact_text: str, *, recorded: bool = True) -> str:
    """``recorded`` False: no shopper was named (nothing was passed to support)."""
    text = ssml_escape(policy) if policy else f"{ssml_escape(store)} erstattet auf Anfrage."
    if contact_text:
        text += f" Für eine Erstattung {contact_text}."
    told = (
        "Ich habe dem Support-Team Bescheid gegeben und dir die Details"
        if recorded
        else "Ich habe dir die Details"
    )
    return (
        f"{text} {told} in die Alexa App geschickt. Erstattungen gehen an die Zahlungsart "
        "zurück, mit der du bezahlt hast."
    )


REFUND_CARD_TITLE = "So bekommst du eine Erstattung"


def refund_card(store: str, policy: str, phone: str, email: str, url: str) -> str:
    lines = [f"Erstattungen bei {store}", policy]
    lines += [f"Telefon: {phone}" if phone else "", f"E-Mail: {email}" if email else ""]
    lines += [f"Web: {url}" if url else ""]
    lines.append("Wir haben deine Anfrage notiert; der Support meldet sich.")
    return "\n".join(line for line in lines if line)


HELP_START = (
    "Du kannst ein Produkt beim Namen bestellen, fragen, was wir haben, deine letzte "
    "Bestellung wiederholen, fragen, wo deine Bestellung ist, stornieren oder eine "
    "Erstattung verlangen."
)
HELP_OFFER = "Sag ja, um es zu bestellen, oder nein, um etwas anderes zu hören."
HELP_CONFIRM = "Sag ja, um jetzt zu bestellen, oder nein, um die Bestellung aufzuheben."
HELP_YES_NO = "Sag bitte ja oder nein."
FALLBACK = "Entschuldigung, das habe ich nicht verstanden."
GOODBYE = "Tschüss und danke für deinen Einkauf."
HOME = "Gut, zurück zum Anfang."
APOLOGY = "Entschuldigung, bei uns ist etwas schiefgegangen. Versuch es bitte gleich noch einmal."
CANT_HELP = "Entschuldigung, dabei kann ich hier nicht helfen."


# Premium-Inhalte und In-Skill-Käufe, das verknüpfte Webshop-Konto: in de_DE_isp.py und
# de_DE_linked.py (dieselbe Stimme, weitere Dateien).
from .de_DE_isp import *  # noqa: E402, F403
from .de_DE_linked import *  # noqa: E402, F403
