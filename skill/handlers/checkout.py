"""Paying: permission check, Amazon Pay Setup, the order summary, Charge, and the results.

A ``Connections.SendRequest`` directive ends the Alexa session, so everything the next
request needs (the cart, the step, the directive's token) is in ``Conversation``. Tokens are
``setup:<order id>:<nonce>`` and ``charge:<order id>:<authorizationReferenceId>``; the order
they name is always looked up within the store and the customer.
"""

import logging
import uuid
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_model.interfaces.amazonpay.model.request import (
    AuthorizeAttributes,
    BillingAgreementAttributes,
    BillingAgreementType,
    PaymentAction,
    Price,
    SellerBillingAgreementAttributes,
    SellerOrderAttributes,
)
from ask_sdk_model.interfaces.amazonpay.request.charge_amazon_pay_request import (
    ChargeAmazonPayRequest,
)
from ask_sdk_model.interfaces.amazonpay.request.setup_amazon_pay_request import (
    SetupAmazonPayRequest,
)
from ask_sdk_model.interfaces.connections import ConnectionsResponse, SendRequestDirective
from ask_sdk_model.ui import AskForPermissionsConsentCard, SimpleCard
from django.utils import timezone

from merchant.models import PaymentMode
from orders import services as orders
from orders.errors import OrderError
from orders.models import OrderStatus

from .. import alexa_apis, selectors
from ..models import Step
from ..verification import parse_timestamp
from .common import (
    AUTOPAY_SCOPE,
    ask,
    consent_status,
    join,
    lines_text,
    request_of,
    set_step,
    spoken_name,
    tell,
    text_locale,
    turn_of,
)

logger = logging.getLogger(__name__)

EU_COUNTRIES = {"UK", "DE", "AT", "FR", "IT", "ES", "IE"}
PERMISSION_ERRORS = {
    "ACCESS_DENIED",
    "ACCESS_NOT_REQUESTED",
    "FORBIDDEN",
    "VoicePurchaseNotEnabled",
}
# Amazon Pay speaks to the shopper about these itself; the skill adds nothing.
AMAZON_SPEAKS = {
    "UnsupportedClientPlatform",
    "InvalidShippingAddress",
    "InvalidAccountStatus",
    "RequestThrottled",
}
SOFT_DESCRIPTOR_MAX = 16
REFERENCE_MAX = 32
SUCCESS_STATES = {"Open", "Closed", "Pending"}


# Starting checkout ------------------------------------------------------------------------


def start(handler_input, turn, order, *prefix: str):
    """The cart is built: go to the summary (pay on delivery, or an agreement we have),
    ask for permission, or send Setup."""
    store = turn.store
    set_step(turn, Step.IDLE, order=order)
    if not store.uses_amazon_pay:
        if not turn.customer.shipping_address:
            refused = fetch_delivery_contact(handler_input, turn, *prefix)
            if refused is not None:
                return refused
        return summary(handler_input, turn, order, *prefix)
    if consent_status(handler_input) != "GRANTED":
        return permission_needed(handler_input, turn, *prefix)
    customer = turn.customer
    if customer.has_open_billing_agreement and customer.shipping_address:
        return summary(handler_input, turn, order, *prefix)
    return send_setup(handler_input, turn, order)


def fetch_delivery_contact(handler_input, turn, *prefix: str):
    """Pay on delivery: the address to deliver to, and the email for the confirmation, from
    the shopper's Alexa settings. Returns the answer when the order cannot go on yet (the
    cart stays, and is offered again at the next launch)."""
    voice = turn.voice
    try:
        contact = alexa_apis.delivery_contact(
            handler_input, turn, want_email=not turn.customer.email
        )
    except alexa_apis.PermissionMissing:
        turn.outcome = "address_permission_needed"
        handler_input.response_builder.set_card(
            AskForPermissionsConsentCard(
                permissions=[alexa_apis.ADDRESS_SCOPE, alexa_apis.EMAIL_SCOPE]
            )
        )
        return tell(handler_input, join(*prefix, voice.NEED_ADDRESS_PERMISSION))
    except alexa_apis.Unavailable:
        turn.outcome = "address_unavailable"
        turn.error_code = "device_address_unavailable"
        return tell(handler_input, join(*prefix, voice.ADDRESS_UNAVAILABLE))
    if not contact.address.get("addressLine1") or not contact.address.get("city"):
        turn.outcome = "no_device_address"
        return tell(handler_input, join(*prefix, voice.NO_DEVICE_ADDRESS))
    turn.customer = orders.customer_store_delivery_contact(
        customer=turn.customer, address=contact.address, email=contact.email
    )
    return None


def permission_needed(handler_input, turn, *prefix: str):
    turn.outcome = "permission_needed"
    set_step(turn, Step.IDLE)
    handler_input.response_builder.set_card(
        AskForPermissionsConsentCard(permissions=[AUTOPAY_SCOPE])
    )
    return tell(handler_input, join(*prefix, turn.voice.NEED_PERMISSION))


def send_setup(handler_input, turn, order):
    store = turn.store
    customer = turn.customer
    token = f"setup:{order.pk}:{uuid.uuid4().hex[:12]}"
    agreement = BillingAgreementAttributes(
        version="2",
        seller_note=f"{store.name} voice orders"[:1024],
        seller_billing_agreement_attributes=SellerBillingAgreementAttributes(
            version="2",
            seller_billing_agreement_id=f"{store.slug}-{customer.pk}"[:32],
            store_name=store.name,
            custom_information=f"customer {customer.pk}",
        ),
        billing_agreement_type=(
            BillingAgreementType.CustomerInitiatedTransaction
            if store.country_of_establishment in EU_COUNTRIES
            else None
        ),
    )
    payload = SetupAmazonPayRequest(
        version="2",
        seller_id=store.amazon_pay_seller_id,
        country_of_establishment=store.country_of_establishment,
        ledger_currency=store.currency,
        checkout_language=turn.locale.replace("-", "_"),
        billing_agreement_attributes=agreement,
        need_amazon_shipping_address=True,
        sandbox_mode=store.sandbox_mode,
        sandbox_customer_email_id=(
            store.sandbox_customer_email
            if store.sandbox_mode and store.sandbox_customer_email
            else None
        ),
    )
    set_step(turn, Step.AWAITING_SETUP, order=order, token=token)
    turn.outcome = "setup_sent"
    handler_input.response_builder.add_directive(
        SendRequestDirective(name="Setup", payload=payload, token=token)
    )
    return handler_input.response_builder.set_should_end_session(True).response


def summary(handler_input, turn, order, *prefix: str):
    """Seller of record, items, total with tax and shipping, address, the question."""
    voice = turn.voice
    store = turn.store
    lines = selectors.order_lines(order=order, locale=text_locale(turn) or "")
    if not lines:
        set_step(turn, Step.IDLE, order=None)
        turn.outcome = "empty_cart"
        return ask(handler_input, voice.EMPTY_CART)
    address = turn.customer.shipping_address or order.shipping_address or {}
    text = voice.summary(
        seller=store.name,
        items_text=lines_text(turn, lines),
        total=turn.money(order.total),
        tax=turn.money(order.tax) if order.tax else "",
        shipping=turn.money(order.shipping) if order.shipping else None,
        address_text=voice.address(address) if address else "",
        pay_on_delivery=not store.uses_amazon_pay,
        prices_include_tax=store.prices_include_tax,
    )
    set_step(turn, Step.CONFIRM_ORDER, order=order)
    turn.outcome = "summary"
    return ask(handler_input, join(*prefix, text), voice.COMPLETE_QUESTION)


# Completing the order -----------------------------------------------------------------------


def complete(handler_input, turn):
    """The shopper said yes to the summary: Charge, or place a pay-on-delivery order."""
    order = turn.conversation.order
    if order is None or order.status != OrderStatus.DRAFT:
        set_step(turn, Step.IDLE, order=None)
        turn.outcome = "nothing_to_complete"
        return ask(handler_input, turn.voice.EMPTY_CART)
    store = turn.store
    if not store.uses_amazon_pay:
        try:
            result = orders.order_place(order=order, payment=None)
        except OrderError as exc:
            return place_refused(handler_input, turn, exc)
        return placed(handler_input, turn, result.order)
    if consent_status(handler_input) != "GRANTED":
        return permission_needed(handler_input, turn)
    if not turn.customer.has_open_billing_agreement:
        return send_setup(handler_input, turn, order)
    return send_charge(handler_input, turn, order)


def soft_descriptor(store) -> str:
    return store.name[:SOFT_DESCRIPTOR_MAX]


def send_charge(handler_input, turn, order):
    store = turn.store
    reference = f"{order.number}-{uuid.uuid4().hex}"[:REFERENCE_MAX]
    token = f"charge:{order.pk}:{reference}"
    action = (
        PaymentAction.Authorize
        if store.payment_mode == PaymentMode.CHARGE_LATER
        else PaymentAction.AuthorizeAndCapture
    )
    payload = ChargeAmazonPayRequest(
        version="2",
        seller_id=store.amazon_pay_seller_id,
        billing_agreement_id=turn.customer.billing_agreement_id,
        payment_action=action,
        authorize_attributes=AuthorizeAttributes(
            version="2",
            authorization_reference_id=reference,
            authorization_amount=Price(
                version="2", amount=str(order.total), currency_code=order.currency
            ),
            transaction_timeout=0,
            soft_descriptor=soft_descriptor(store),
        ),
        seller_order_attributes=SellerOrderAttributes(
            version="2",
            seller_order_id=order.number,
            store_name=store.name,
            custom_information=f"customer {turn.customer.pk}",
            seller_note=f"{store.name} order {order.number}"[:1024],
        ),
    )
    set_step(turn, Step.AWAITING_CHARGE, order=order, token=token)
    turn.outcome = "charge_sent"
    handler_input.response_builder.add_directive(
        SendRequestDirective(name="Charge", payload=payload, token=token)
    )
    return handler_input.response_builder.set_should_end_session(True).response


def placed(handler_input, turn, order):
    """The order is placed: say so, send the confirmation card, maybe offer refills."""
    voice = turn.voice
    store = turn.store
    lines = selectors.order_lines(order=order, locale=text_locale(turn) or "")
    total = turn.money(order.total)
    if store.uses_amazon_pay:
        text = voice.paid(total)
        paid_by = voice.PAID_WITH_AMAZON_PAY
    else:
        text = voice.placed_pay_on_delivery(total)
        paid_by = voice.PAY_ON_DELIVERY_CARD
    from merchant.money import display

    address = order.shipping_address or {}
    handler_input.response_builder.set_card(
        SimpleCard(
            title=voice.confirmation_card_title(order.number),
            content=voice.confirmation_card(
                seller=store.name,
                number=order.number,
                lines=[
                    f"{line.quantity} × {line.name}: "
                    f"{display(line.line_total, order.currency, turn.locale)}"
                    for line in lines
                ],
                total=display(order.total, order.currency, turn.locale),
                address_text=", ".join(
                    str(v)
                    for k, v in address.items()
                    if k in ("name", "addressLine1", "city", "postalCode") and v
                ),
                paid_by=paid_by,
            ),
        )
    )
    turn.outcome = "order_placed"
    set_step(turn, Step.IDLE, order=order)
    refill = refill_candidate(turn, lines)
    if refill is not None:
        set_step(turn, Step.OFFER_REFILL, order=order, product=refill, quantity=1)
        offer = voice.refill_offer(spoken_name(turn, refill), refill.refill_interval_weeks)
        return ask(handler_input, join(text, offer), offer)
    return tell(handler_input, text)


def refill_candidate(turn, lines):
    """A product of the order that can come on a refill plan the shopper does not have."""
    if not turn.customer.has_open_billing_agreement:
        return None
    for line in lines:
        product = line.product
        if product is not None and product.refill_interval_weeks and product.is_sellable():
            if not selectors.has_active_refill_plan(customer=turn.customer, product=product):
                return product
    return None


def sold_out_after_payment(handler_input, turn, order, payment, exc: OrderError):
    """Amazon took the payment but the cart sold out meanwhile: give the money back."""
    orders.order_release_unplaceable_payment(
        order=order, payment=payment, reason=f"Sold out before placing: {exc.message}"
    )
    turn.outcome = "sold_out_payment_released"
    turn.error_code = exc.code
    set_step(turn, Step.IDLE, order=None)
    return ask(
        handler_input, join(turn.voice.SOLD_OUT_PAYMENT_RETURNED, turn.voice.DECLINE_CONTINUE)
    )


def place_refused(handler_input, turn, exc: OrderError):
    turn.outcome = f"place_refused:{exc.code}"[:60]
    turn.error_code = exc.code
    set_step(turn, Step.IDLE)
    if exc.code == "out_of_stock":
        logger.error("order %s could not be placed: %s", turn.conversation.order_id, exc)
        return ask(handler_input, join(turn.voice.NOT_PLACED, turn.voice.DECLINE_CONTINUE))
    if exc.code == "not_a_cart":
        return tell(handler_input, turn.voice.ORDER_ALREADY_PLACED)
    logger.error("order %s could not be placed: %s", turn.conversation.order_id, exc)
    return tell(handler_input, turn.voice.APOLOGY)


# Amazon Pay results -------------------------------------------------------------------------


def _token_order(turn, token: str, kind: str):
    parts = (token or "").split(":")
    if len(parts) != 3 or parts[0] != kind:
        return None, ""
    return selectors.customer_order(customer=turn.customer, order_id=parts[1]), parts[2]


def _error_code(request) -> str:
    payload = request.payload if isinstance(request.payload, dict) else {}
    status = request.status
    return str(payload.get("errorCode") or (status.message if status else "") or "")


def _is_success(request) -> bool:
    status = request.status
    return status is not None and str(status.code) == "200"


def amazon_pay_error(handler_input, turn, request):
    """Permission errors: say how to enable; Amazon's own: nothing to add; others are for
    the merchant (logged, in the interaction log) and a short apology for the shopper."""
    code = _error_code(request)
    turn.error_code = code or "unknown"
    set_step(turn, Step.IDLE)
    if code in PERMISSION_ERRORS:
        return permission_needed(handler_input, turn)
    if code in AMAZON_SPEAKS:
        turn.outcome = "amazon_pay_handled"
        return tell(handler_input, "")
    turn.outcome = "merchant_error"
    logger.error(
        "Amazon Pay %s failed for store %s (%s): %s %s",
        request.name,
        turn.store.slug,
        turn.store.pk,
        code,
        (request.payload or {}).get("errorMessage", "")
        if isinstance(request.payload, dict)
        else "",
    )
    return tell(handler_input, turn.voice.MERCHANT_PROBLEM)


class SetupResultHandler(AbstractRequestHandler):
    """Setup came back: keep the agreement and address, then the order summary."""

    def can_handle(self, handler_input):
        request = request_of(handler_input)
        return isinstance(request, ConnectionsResponse) and request.name == "Setup"

    def handle(self, handler_input):
        turn = turn_of(handler_input)
        request = request_of(handler_input)
        if turn.customer is None:
            return tell(handler_input, turn.voice.APOLOGY)
        if not _is_success(request):
            return amazon_pay_error(handler_input, turn, request)
        payload = request.payload if isinstance(request.payload, dict) else {}
        details = payload.get("billingAgreementDetails") or {}
        agreement_id = str(details.get("billingAgreementId") or "")
        status = str(details.get("billingAgreementStatus") or "")
        address = details.get("destination") or {}
        store = turn.store
        email = ""
        if not turn.customer.email:
            email = (
                store.sandbox_customer_email
                if store.sandbox_mode
                else alexa_apis.profile_email(handler_input, turn)
            )
        turn.customer = orders.customer_store_billing_agreement(
            customer=turn.customer,
            agreement_id=agreement_id,
            status=status,
            address=address if status == "OPEN" else {},
            email=email,
        )
        if status != "OPEN" or not agreement_id:
            turn.outcome = f"agreement_{status.lower() or 'missing'}"
            set_step(turn, Step.IDLE)
            return tell(handler_input, turn.voice.AGREEMENT_NOT_OPEN)
        order, _ = _token_order(turn, request.token, "setup")
        if order is None or order.status != OrderStatus.DRAFT:
            turn.outcome = "setup_without_cart"
            set_step(turn, Step.IDLE)
            return ask(handler_input, turn.voice.EMPTY_CART)
        return summary(handler_input, turn, order)


class ChargeResultHandler(AbstractRequestHandler):
    """Charge came back: place the order (once), or carry on after a decline."""

    def can_handle(self, handler_input):
        request = request_of(handler_input)
        return isinstance(request, ConnectionsResponse) and request.name == "Charge"

    def handle(self, handler_input):
        turn = turn_of(handler_input)
        request = request_of(handler_input)
        voice = turn.voice
        if turn.customer is None:
            return tell(handler_input, voice.APOLOGY)
        if not _is_success(request):
            return amazon_pay_error(handler_input, turn, request)
        order, token_reference = _token_order(turn, request.token, "charge")
        if order is None:
            turn.outcome = "charge_unknown_order"
            turn.error_code = "unknown_token"
            logger.error("Charge result with unknown token for store %s", turn.store.pk)
            return tell(handler_input, voice.APOLOGY)
        payload = request.payload if isinstance(request.payload, dict) else {}
        details = payload.get("authorizationDetails") or {}
        status = details.get("authorizationStatus") or {}
        state = str(status.get("state") or "")
        reference = str(details.get("authorizationReferenceId") or token_reference)[:32]
        amount = _amount(details.get("authorizationAmount"), order.total)
        payment = orders.PaymentResult(
            reference_id=reference,
            external_id=str(details.get("amazonAuthorizationId") or ""),
            amount=amount,
            captured=state == "Closed" and bool(details.get("captureNow", True)),
            declined=state == "Declined",
            reason_code=str(status.get("reasonCode") or ""),
            raw=payload,
            capture_external_id=str((details.get("idList") or [""])[0]),
            expires_at=_expiry(details),
        )
        if state not in SUCCESS_STATES:
            # Amazon Pay has told the shopper about the decline; we only say the order is
            # not placed and nothing was charged, and carry on.
            if state == "Declined":
                orders.order_record_decline(order=order, payment=payment)
            turn.outcome = "declined"
            turn.error_code = payment.reason_code or state or "no_state"
            set_step(turn, Step.IDLE, order=order if order.status == OrderStatus.DRAFT else None)
            return ask(handler_input, join(voice.NOT_PLACED, voice.DECLINE_CONTINUE))
        try:
            result = orders.order_place(order=order, payment=payment)
        except OrderError as exc:
            if exc.code == "out_of_stock":
                return sold_out_after_payment(handler_input, turn, order, payment, exc)
            return place_refused(handler_input, turn, exc)
        if not result.created:
            turn.outcome = "duplicate_charge_result"
        response = placed(handler_input, turn, result.order)
        if not result.created:
            turn.outcome = "duplicate_charge_result"
        return response


def _amount(price, fallback) -> Decimal:
    try:
        return Decimal(str((price or {}).get("amount")))
    except (InvalidOperation, TypeError, ValueError):
        return fallback


def _expiry(details: dict):
    stamp = parse_timestamp(details.get("expirationTimestamp"))
    if stamp is None and details.get("captureNow") is False:
        return timezone.now() + timedelta(days=30)
    return stamp
