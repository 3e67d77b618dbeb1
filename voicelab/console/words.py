"""The voice console's turns in words: what an answer said or did (an Amazon Pay request, a
purchase dialogue handed to Amazon), how Amazon Pay's answer ended, and the exchange the page
shows for each turn."""

import html
import re

from isp import selectors as isp_selectors
from isp.facts import DirectiveName
from orders.amazon_pay_facts import CLOSED, DECLINED, OPEN, PENDING
from skill import amazon_pay

# Amazon's purchase dialogue as the owner plays it: outcome -> (button, what the shopper did),
# for a Buy or Upsell and for a Cancel (which ends a subscription or asks for a refund).
ISP_OUTCOMES = {
    "offer": [
        ("accept", "Accept", "accepts Amazon's offer"),
        ("decline", "Decline", "declines Amazon's offer"),
        ("error", "Payment error", "accepts, but the payment fails"),
    ],
    "cancel": [
        ("accept", "Accept the cancel", "confirms the cancel"),
        ("decline", "Decline (keep it)", "keeps the product"),
        ("error", "Error", "confirms, but Amazon fails"),
    ],
}


def send_request(response: dict | None, names: set) -> dict | None:
    """The answer's ``Connections.SendRequest`` directive if its name is one of ``names``."""
    for directive in ((response or {}).get("response") or {}).get("directives") or []:
        if directive.get("type") == amazon_pay.SEND_REQUEST and directive.get("name") in names:
            return directive
    return None


def not_playable(store) -> str:
    return (
        f"The purchase dialogue is Amazon's: {store.name} is not in ISP sandbox mode, so it "
        "cannot be played here. Try it on a device or in the developer console's simulator."
    )


def product_name(store, product_id: str, locale: str) -> str:
    product = isp_selectors.product_by_amazon_id(store=store, product_id=product_id or "")
    if product is None:
        return f"product {product_id} (not in the store's catalog)"
    texts = product.texts(locale)
    return (texts.name if texts else "") or product.reference_name


def outcomes_for(directive_name) -> list[tuple[str, str, str]]:
    return ISP_OUTCOMES["cancel" if directive_name == DirectiveName.CANCEL else "offer"]


def purchase_words(store, directive: dict, *, locale: str, playable: bool) -> dict:
    """What the console shows for a Buy, Upsell or Cancel directive (the skill says nothing:
    Alexa reads the upsell message, then Amazon's dialogue follows)."""
    name = directive.get("name")
    payload = directive.get("payload") or {}
    product_id = str((payload.get("InSkillProduct") or {}).get("productId") or "")
    product = product_name(store, product_id, locale)
    message = words(str(payload.get("upsellMessage") or ""))
    if name == DirectiveName.UPSELL:
        summary = f"Alexa offers the {product} (Upsell): {message}"
    elif name == DirectiveName.BUY:
        summary = f"Alexa starts the purchase of the {product} (Buy)"
    else:
        summary = f"Alexa asks to cancel the {product} (Cancel)"
    return {
        "name": name,
        "product_id": product_id,
        "product": product,
        "message": message,
        "summary": summary,
        "playable": playable,
        "refusal": "" if playable else not_playable(store),
        "outcomes": [{"value": v, "label": label} for v, label, _ in outcomes_for(name)]
        if playable
        else [],
    }


_TAG = re.compile(r"<[^>]+>")


def words(ssml: str) -> str:
    """The words of an SSML fragment as the shopper hears them: no tags, no entities."""
    return " ".join(html.unescape(_TAG.sub(" ", ssml)).split())


def directive_words(directives: list) -> str:
    """What an answer without speech does: the Amazon Pay request it hands to Alexa."""
    for directive in directives:
        if directive.get("type") != amazon_pay.SEND_REQUEST:
            continue
        if directive.get("name") == amazon_pay.SETUP:
            return "Alexa asks Amazon Pay to set up payment (Setup)"
        if directive.get("name") == amazon_pay.CHARGE:
            payload = directive.get("payload") or {}
            amount = (payload.get("authorizeAttributes") or {}).get("authorizationAmount") or {}
            money = f"{amount.get('amount', '?')} {amount.get('currencyCode', '')}".strip()
            return f"Alexa asks Amazon Pay to charge {money} (Charge)"
    return ""


def pay_result_words(request: dict) -> str:
    """How a ``Connections.Response`` from Amazon Pay ended, in words: a 200 answer may
    still be a declined charge or an agreement that cannot be used."""
    name = request.get("name") or "Amazon Pay"
    status = request.get("status") or {}
    payload = request.get("payload") or {}
    if str(status.get("code")) != amazon_pay.SUCCESS_CODE:
        code = payload.get("errorCode") or status.get("message") or "no error code"
        return f"{name} failed: {code} (HTTP {status.get('code')})"
    if name == amazon_pay.SETUP:
        agreement = (payload.get("billingAgreementDetails") or {}).get("billingAgreementStatus")
        usable = "" if agreement == "OPEN" else ": not usable for payments"
        return f"Setup: billing agreement {agreement or 'missing'}{usable}"
    if name == amazon_pay.CHARGE:
        details = payload.get("authorizationDetails") or {}
        authorization = details.get("authorizationStatus") or {}
        state, reason = authorization.get("state"), authorization.get("reasonCode")
        amount = details.get("authorizationAmount") or {}
        money = f"{amount.get('amount', '?')} {amount.get('currencyCode', '')}".strip()
        if state == DECLINED:
            return f"Charge declined: {reason or 'no reason given'}"
        if state == CLOSED and details.get("captureNow"):
            return f"Charged {money} (captured at once)"
        if state == OPEN:
            return f"Charge authorized: {money} (captured when the order ships)"
        if state == PENDING:
            return f"Charge pending: {money}"
        return f"Charge: authorization {state or 'missing'}{f' ({reason})' if reason else ''}"
    return f"{name}: {status.get('code')} {status.get('message') or ''}".strip()


def exchange(kind, sent, response, *, locale, said="", understood=None) -> dict:
    body = response.get("response") or {}
    output = body.get("outputSpeech") or {}
    ssml = output.get("ssml") or ""
    reprompt = ((body.get("reprompt") or {}).get("outputSpeech") or {}).get("ssml") or (
        ((body.get("reprompt") or {}).get("outputSpeech") or {}).get("text") or ""
    )
    request = sent.get("request") or {}
    exchange = {
        "kind": kind,
        "said": said,
        "understood": understood.as_dict() if understood else None,
        "request_type": request.get("type"),
        "speech": words(ssml) if ssml else output.get("text", ""),
        # Shown instead of speech when the answer says nothing but hands over to Amazon Pay.
        "happened": directive_words(body.get("directives") or []),
        "ssml": ssml,
        "reprompt": words(reprompt) if reprompt else "",
        "card": body.get("card"),
        "directives": body.get("directives") or [],
        "end_session": body.get("shouldEndSession"),
        "locale": locale,
        "request": sent,
        "response": response,
    }
    if kind == "amazon_pay":
        exchange["amazon_pay"] = {
            "name": request.get("name"),
            "status": request.get("status"),
            "payload": request.get("payload"),
            "summary": pay_result_words(request),
        }
    return exchange
