"""The voice test console: an owner talks to their store's skill from the browser.

Each turn turns what was typed (or the button pressed) into a real request envelope with
the store's exported interaction model, runs the same skill code as ``/alexa/`` through
``skill.runtime.handle_envelope(..., source="console")`` (orders become test orders), and
plays the Amazon Pay sandbox's part: when the answer carries an Amazon Pay
``Connections.SendRequest`` directive (Setup, Charge), the sandbox's ``Connections.Response``
is sent next, with the outcome (success, decline, denied permission...) the owner picked on
the page.

In-skill purchases are the shopper's own choice in Amazon's dialogue, so the owner answers
them after the fact: an answer carrying a Buy, Upsell or Cancel directive is shown in words
and kept as the shopper's pending purchase dialogue; the owner then picks Amazon's outcome
(accept, decline, payment error) under that turn, the embedded ISP sandbox plays it
(``isp.sandbox.purchase_flow`` for the console's shopper) and its ``Connections.Response``
goes to the skill in a new session, like every console turn. Only for stores in ISP sandbox
mode: a live store's purchase dialogue is Amazon's and cannot be played here.

The console plays a new, made-up shopper, or (the reset action's ``play_as``) one of the
store's shopper accounts, linked through the sandbox (``voicelab.console.play_as``).
"""

import json

from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from catalog.selectors import catalog_revision
from isp import sandbox as isp_sandbox
from isp import selectors as isp_selectors
from isp import services as isp_services
from isp.facts import DirectiveName
from linking.errors import LinkingError
from merchant.models import Area
from merchant.selectors import stores_for_user, user_can
from orders.selectors import customer_orders_placed_since
from skill import amazon_pay, amazon_pay_sandbox, runtime
from skill import intents as i
from skill import selectors as skill_selectors
from skill.testing.envelopes import ConsoleShopper, build_envelope, connections_envelope
from voicelab.console import play_as, words
from voicelab.console.matcher import Matcher
from voicelab.package import PackageInvalid, build_skill_package

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
PAY_DIRECTIVES = {amazon_pay.SETUP, amazon_pay.CHARGE}
ISP_DIRECTIVES = set(DirectiveName.values)  # Buy, Upsell, Cancel
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
    shoppers = request.session.get(SESSION_KEY, {})
    context = {
        **admin.site.each_context(request),
        "title": "Voice test console",
        "stores": [
            {
                "slug": s.slug,
                "name": s.name,
                "locales": s.locales(),
                "pay": s.uses_amazon_pay,
                "isp_sandbox": isp_selectors.store_in_isp_sandbox(s),
                "accounts": play_as.account_choices(s),
                "playing_as": play_as.playing_as(ConsoleShopper.from_dict(shoppers.get(str(s.pk)))),
            }
            for s in stores
        ],
        "setup_outcomes": SETUP_OUTCOMES,
        "charge_outcomes": CHARGE_OUTCOMES,
        "isp_outcomes": words.ISP_OUTCOMES["offer"],
    }
    return render(request, "voicelab/console/console.html", context, status=200 if stores else 403)


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
        return _reset(request, data, shoppers, store)
    consent = data.get("consent") if data.get("consent") in CONSENTS else "GRANTED"
    if action in ("purchase", "isp_reset"):
        if not isp_selectors.store_in_isp_sandbox(store):
            return JsonResponse({"error": words.not_playable(store)}, status=400)
        if action == "isp_reset":
            return _reset_test_purchases(request, shoppers, store, shopper)
        return _purchase(request, data, shoppers, store, shopper, skill_id, consent)

    try:
        matcher = console_matcher(store, locale)
    except PackageInvalid as invalid:
        return JsonResponse(
            {"error": "The store's skill package is invalid.", "errors": invalid.errors},
            status=400,
        )
    text = " ".join(str(data.get("text", "")).split())[:MAX_TEXT]

    end_session = False
    if action == "launch":
        understood, said = None, "(opens the skill)"
    elif action == "end":
        shopper.pending = None
        if not shopper.session_id:
            _save(request, shoppers, store, shopper)
            return JsonResponse({"exchanges": [], "session_open": False})
        understood, said, end_session = None, "(ends the session)", True
    elif action in BUTTONS:
        understood, said = matcher.intent(BUTTONS[action]), action.capitalize()
    elif action == "text" and text:
        understood, said = matcher.understand(text), text
    else:
        return JsonResponse({"error": "Type what the shopper says."}, status=400)

    # The shopper spoke to the skill again: a purchase dialogue left unanswered is dropped.
    shopper.pending = None
    sent = build_envelope(
        shopper=shopper,
        skill_id=skill_id,
        locale=locale,
        understood=understood,
        end_session=end_session,
        consent=consent,
    )
    try:
        exchanges, sent, response = _play(
            sent,
            data,
            locale=locale,
            kind="shopper",
            said=said,
            understood=understood,
            orders=_OrderLinks(request.user, store, shopper),
        )
    except (runtime.EnvelopeError, runtime.UnknownSkill) as exc:
        return JsonResponse({"error": f"The skill refused the request: {exc}"}, status=400)

    if end_session:
        shopper.session_id, shopper.attributes = "", {}
    else:
        _follow(shopper, store, sent, response, exchanges[-1], locale=locale)
    _save(request, shoppers, store, shopper)
    return _answer(exchanges, shopper)


def _reset(request, data: dict, shoppers: dict, store) -> JsonResponse:
    """A new session of a new shopper, or of the store's shopper account ``play_as`` names,
    linked (another store's id: 404; a live store refuses in words; nothing changed)."""
    try:
        shopper = play_as.shopper_for_reset(
            store=store, play_as=data.get("play_as"), actor_label=request.user.get_username()
        )
    except LinkingError as exc:
        return JsonResponse({"error": exc.message}, status=400)
    _save(request, shoppers, store, shopper)
    return JsonResponse(
        {
            "exchanges": [],
            "session_open": False,
            "reset": True,
            "playing_as": play_as.playing_as(shopper),
        }
    )


class _OrderLinks:
    """The orders a turn placed for the console's shopper, each with its support console
    page when the user may see the store's orders."""

    def __init__(self, user, store, shopper: ConsoleShopper):
        self.store, self.shopper = store, shopper
        self.linked = user_can(user=user, store=store, area=Area.ORDERS)

    def placed_since(self, since) -> list[dict]:
        return [
            {
                "number": order.number,
                "status": order.get_status_display(),
                "url": reverse("support:order_detail", args=[order.pk]) if self.linked else "",
            }
            for order in customer_orders_placed_since(
                store_id=self.store.pk, alexa_user_id=self.shopper.user_id, since=since
            )
        ]


def _play(sent, data, *, locale, kind, said="", understood=None, extra=None, orders=None):
    """Send ``sent`` to the skill, then play the Amazon Pay sandbox on every Setup or Charge
    the answers carry. Returns the exchanges (each with the orders it placed, from
    ``orders``) and the last envelope sent and answer."""
    since = timezone.now()
    response = runtime.handle_envelope(sent, source="console")
    exchanges = [
        words.exchange(kind, sent, response, said=said, understood=understood, locale=locale)
    ]
    if extra:
        exchanges[0].update(extra)
    _placed(exchanges[-1], orders, since)
    for _hop in range(MAX_AMAZON_PAY_HOPS):
        directive = words.send_request(response, PAY_DIRECTIVES)
        if directive is None:
            break
        simulate = _outcome(data, directive.get("name"))
        assert response is not None  # it carries the directive
        sent = amazon_pay_sandbox.response_envelope(sent, response, simulate=simulate)
        since = timezone.now()
        response = runtime.handle_envelope(sent, source="console")
        exchanges.append(words.exchange("amazon_pay", sent, response, locale=locale))
        _placed(exchanges[-1], orders, since)
    return exchanges, sent, response


def _placed(exchange: dict, orders: "_OrderLinks | None", since) -> None:
    placed = orders.placed_since(since) if orders is not None else []
    if placed:
        exchange["orders"] = placed


def _follow(shopper: ConsoleShopper, store, sent, response, exchange: dict, *, locale) -> None:
    """Follow the session after the skill's last answer; a Buy, Upsell or Cancel in it is
    shown in words and, for a sandbox store, waits for the owner's choice of outcome."""
    shopper.after(sent, response)
    directive = words.send_request(response, ISP_DIRECTIVES)
    if directive is None:
        return
    playable = isp_selectors.store_in_isp_sandbox(store)
    exchange["purchase"] = words.purchase_words(store, directive, locale=locale, playable=playable)
    if playable:
        shopper.pending = {"directive": directive, "locale": locale}


def _answer(exchanges, shopper: ConsoleShopper, **extra) -> JsonResponse:
    return JsonResponse(
        {
            "exchanges": exchanges,
            "session_open": bool(shopper.session_id),
            "purchase_pending": bool(shopper.pending),
            **extra,
        }
    )


def _purchase(request, data, shoppers, store, shopper, skill_id, consent):
    """The owner's choice ends Amazon's purchase dialogue: the ISP sandbox plays it for the
    console's shopper and Alexa's ``Connections.Response`` goes to the skill."""
    outcome = str(data.get("outcome", ""))
    if outcome not in {value for value, _, _ in words.ISP_OUTCOMES["offer"]}:
        return JsonResponse(
            {"error": "Choose how Amazon's purchase dialogue ends: accept, decline or error."},
            status=400,
        )
    pending = shopper.pending
    if not pending:
        return JsonResponse(
            {
                "error": "No purchase dialogue is waiting: the skill's last answer carried no "
                "Buy, Upsell or Cancel."
            },
            status=400,
        )
    locale = pending.get("locale") if pending.get("locale") in store.locales() else None
    locale = locale or store.default_locale
    directive = pending.get("directive") or {}
    did = {value: did for value, _, did in words.outcomes_for(directive.get("name"))}[outcome]
    try:
        flow = isp_sandbox.purchase_flow(
            store=store,
            user_id=shopper.user_id,
            directive=directive,
            outcome=outcome,
            locale=locale,
        )
    except isp_sandbox.FlowRefused as exc:
        shopper.pending = None
        _save(request, shoppers, store, shopper)
        return JsonResponse({"error": f"The ISP sandbox refused the directive: {exc}"}, status=400)
    shopper.pending = None
    # The Connections.Response request (the HTTP face wraps it as {"request": ...}).
    answer = flow["request"] if "request" in flow and "type" not in flow else flow
    sent = connections_envelope(
        shopper=shopper, skill_id=skill_id, locale=locale, request=answer, consent=consent
    )
    payload = answer.get("payload") or {}
    isp = {
        "name": answer.get("name"),
        "outcome": outcome,
        "status": answer.get("status"),
        "payload": payload,
        "product": words.product_name(store, str(payload.get("productId") or ""), locale),
    }
    try:
        exchanges, sent, response = _play(
            sent,
            data,
            locale=locale,
            kind="isp",
            said=did,
            extra={"isp": isp},
            orders=_OrderLinks(request.user, store, shopper),
        )
    except (runtime.EnvelopeError, runtime.UnknownSkill) as exc:
        _save(request, shoppers, store, shopper)
        return JsonResponse({"error": f"The skill refused the request: {exc}"}, status=400)
    _follow(shopper, store, sent, response, exchanges[-1], locale=locale)
    _save(request, shoppers, store, shopper)
    return _answer(exchanges, shopper)


def _reset_test_purchases(request, shoppers, store, shopper):
    """The console's shopper owns nothing again: the sandbox forgets their purchases and the
    portal what it observed of them (entitlements, units, tips heard); the session ends so
    the next turn asks the sandbox afresh."""
    isp_sandbox.sandbox_reset(store=store, user_id=shopper.user_id)
    customer = skill_selectors.shopper(store=store, alexa_user_id=shopper.user_id)
    if customer is not None:
        isp_services.test_shopper_reset(customer=customer)
    shopper.session_id, shopper.attributes, shopper.pending = "", {}, None
    _save(request, shoppers, store, shopper)
    return _answer(
        [],
        shopper,
        isp_reset=True,
        message="Test purchases reset: the shopper owns nothing and starts a new session.",
    )


def _outcome(data: dict, directive_name: str | None) -> str | None:
    choices = {"Setup": SETUP_OUTCOMES, "Charge": CHARGE_OUTCOMES}.get(directive_name or "", [])
    wanted = str(data.get(f"{(directive_name or '').lower()}_outcome", ""))
    return wanted if wanted and wanted in dict(choices) else None


def _save(request, shoppers: dict, store, shopper: ConsoleShopper) -> None:
    shoppers[str(store.pk)] = shopper.as_dict()
    request.session[SESSION_KEY] = shoppers
    request.session.modified = True
