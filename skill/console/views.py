"""The voice test console: an owner talks to their store's skill from the browser.

Each turn turns what was typed (or the button pressed) into a real request envelope with
the store's exported interaction model, runs the same skill code as ``/alexa/`` through
``skill.runtime.handle_envelope(..., source="console")`` (orders become test orders), and
plays the Amazon Pay sandbox's part: when the answer carries a ``Connections.SendRequest``
directive, the sandbox's ``Connections.Response`` is sent next, with the outcome (success,
decline, denied permission...) the owner picked on the page.
"""

import json

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from catalog.selectors import catalog_revision
from merchant.models import Area
from merchant.selectors import stores_for_user
from skill import amazon_pay, amazon_pay_sandbox, runtime, speech
from skill import intents as i
from skill.console.envelopes import ConsoleShopper, build_envelope
from skill.console.matcher import Matcher
from skill.package import PackageInvalid, build_skill_package

SESSION_KEY = "voice_console"
BUTTONS = {"yes": i.YES, "no": i.NO, "help": i.HELP, "stop": i.STOP, "cancel": i.CANCEL}
CONSENTS = {"GRANTED", "DENIED", "NONE"}
SETUP_OUTCOMES = [
    ("", "Billing agreement OPEN (success)"),
    ("ACCESS_DENIED", "Permission denied (ACCESS_DENIED)"),
    ("VoicePurchaseNotEnabled", "Voice purchasing off (VoicePurchaseNotEnabled)"),
    ("Agreement:SUSPENDED", "Agreement SUSPENDED"),
    ("InvalidSellerId", "Integration error (InvalidSellerId)"),
]
CHARGE_OUTCOMES = [
    ("", "Charged (success)"),
    ("Declined:InvalidPaymentMethod", "Declined: InvalidPaymentMethod (soft)"),
    ("Declined:AmazonRejected", "Declined: AmazonRejected"),
    ("Declined:TransactionTimedOut", "Declined: TransactionTimedOut"),
    ("Declined:ProcessingFailure", "Declined: ProcessingFailure"),
    ("ACCESS_DENIED", "Permission denied (ACCESS_DENIED)"),
]
MAX_AMAZON_PAY_HOPS = 3
MAX_TEXT = 500


# (store id, locale) -> ((catalog revision, store saved at), Matcher or the package's errors)
_matchers: dict[tuple[int, str], tuple[tuple, Matcher | list[str]]] = {}
MAX_MATCHERS = 16


def console_matcher(store, locale: str) -> Matcher:
    """The typed-text matcher for the store's exported model in ``locale``. Building the
    package takes long for a large catalog, so each process keeps the latest matcher per
    store and locale and rebuilds it only when the catalog revision moves or the store's
    settings are saved. Raises ``PackageInvalid`` when the package cannot be exported."""
    version = (catalog_revision(store_id=store.pk), store.updated_at)
    kept = _matchers.get((store.pk, locale))
    if kept is not None and kept[0] == version:
        built = kept[1]
    else:
        try:
            built = Matcher(build_skill_package(store=store).models[locale], locale)
        except PackageInvalid as invalid:
            built = invalid.errors
        _matchers.pop((store.pk, locale), None)
        while len(_matchers) >= MAX_MATCHERS:
            _matchers.pop(next(iter(_matchers)))
        _matchers[(store.pk, locale)] = (version, built)
    if isinstance(built, list):
        raise PackageInvalid(built)
    return built


def console_stores(user):
    """Stores whose console this user may use: owners only (the settings area)."""
    return stores_for_user(user=user, area=Area.SETTINGS).prefetch_related("skill_ids")


@require_GET
@login_required
def console_page(request):
    stores = list(console_stores(request.user))
    context = {
        **admin.site.each_context(request),
        "title": "Voice test console",
        "stores": [
            {"slug": s.slug, "name": s.name, "locales": s.locales(), "pay": s.uses_amazon_pay}
            for s in stores
        ],
        "setup_outcomes": SETUP_OUTCOMES,
        "charge_outcomes": CHARGE_OUTCOMES,
    }
    return render(request, "skill/console/console.html", context, status=200 if stores else 403)


@require_POST
@login_required
def console_turn(request):
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": "The request is not JSON."}, status=400)
    store = console_stores(request.user).filter(slug=str(data.get("store", ""))).first()
    if store is None:
        raise Http404("No store of yours has that slug.")
    locale = data.get("locale") if data.get("locale") in store.locales() else store.default_locale
    skill_id = next(iter(s.skill_id for s in store.skill_ids.all()), None)
    if not skill_id:
        return JsonResponse(
            {"error": "Add the store's Alexa skill id in its settings first."}, status=400
        )

    shoppers = request.session.get(SESSION_KEY, {})
    shopper = ConsoleShopper.from_dict(shoppers.get(str(store.pk)))
    action = str(data.get("action", "text"))
    if action == "reset":
        shopper = ConsoleShopper()
        _save(request, shoppers, store, shopper)
        return JsonResponse({"exchanges": [], "session_open": False, "reset": True})

    try:
        matcher = console_matcher(store, locale)
    except PackageInvalid as invalid:
        return JsonResponse(
            {"error": "The store's skill package is invalid.", "errors": invalid.errors},
            status=400,
        )
    consent = data.get("consent") if data.get("consent") in CONSENTS else "GRANTED"
    text = " ".join(str(data.get("text", "")).split())[:MAX_TEXT]

    end_session = False
    if action == "launch":
        understood, said = None, "(opens the skill)"
    elif action == "end":
        if not shopper.session_id:
            return JsonResponse({"exchanges": [], "session_open": False})
        understood, said, end_session = None, "(ends the session)", True
    elif action in BUTTONS:
        understood, said = matcher.intent(BUTTONS[action]), action.capitalize()
    elif action == "text" and text:
        understood, said = matcher.understand(text), text
    else:
        return JsonResponse({"error": "Type what the shopper says."}, status=400)

    sent = build_envelope(
        shopper=shopper,
        skill_id=skill_id,
        locale=locale,
        understood=understood,
        end_session=end_session,
        consent=consent,
    )
    exchanges = []
    try:
        response = runtime.handle_envelope(sent, source="console")
        exchanges.append(
            _exchange("shopper", sent, response, said=said, understood=understood, locale=locale)
        )
        for _hop in range(MAX_AMAZON_PAY_HOPS):
            directive = amazon_pay.find_directive(response)
            if directive is None:
                break
            simulate = _outcome(data, directive.get("name"))
            sent = amazon_pay_sandbox.response_envelope(sent, response, simulate=simulate)
            response = runtime.handle_envelope(sent, source="console")
            exchanges.append(_exchange("amazon_pay", sent, response, locale=locale))
    except (runtime.EnvelopeError, runtime.UnknownSkill) as exc:
        return JsonResponse({"error": f"The skill refused the request: {exc}"}, status=400)

    if end_session:
        shopper.session_id, shopper.attributes = "", {}
    else:
        shopper.after(sent, response)
    _save(request, shoppers, store, shopper)
    return JsonResponse({"exchanges": exchanges, "session_open": bool(shopper.session_id)})


def _outcome(data: dict, directive_name: str | None) -> str | None:
    choices = {"Setup": SETUP_OUTCOMES, "Charge": CHARGE_OUTCOMES}.get(directive_name or "", [])
    wanted = str(data.get(f"{(directive_name or '').lower()}_outcome", ""))
    return wanted if wanted and wanted in dict(choices) else None


def _save(request, shoppers: dict, store, shopper: ConsoleShopper) -> None:
    shoppers[str(store.pk)] = shopper.as_dict()
    request.session[SESSION_KEY] = shoppers
    request.session.modified = True


def _exchange(kind, sent, response, *, locale, said="", understood=None) -> dict:
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
        "speech": speech.plain(ssml) if ssml else output.get("text", ""),
        "ssml": ssml,
        "reprompt": speech.plain(reprompt) if reprompt else "",
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
        }
    return exchange
