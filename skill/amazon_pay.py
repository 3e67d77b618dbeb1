"""The Amazon Pay for Alexa wire protocol: the directives the skill sends and the results
Alexa sends back.

* ``setup_directive`` / ``charge_directive``: the ``Connections.SendRequest`` directives
  (``SetupAmazonPayRequest``, ``ChargeAmazonPayRequest``), with their tokens;
* ``read_setup`` / ``read_charge``: what a ``Connections.Response`` says, as plain values;
* the error categories Amazon documents (what the shopper is told, if anything).

Tokens name the order the directive is about: ``setup:<order id>:<nonce>`` and
``charge:<order id>:<authorizationReferenceId>``. The handlers in ``handlers.checkout``
decide what to do with a result; the embedded sandbox (``amazon_pay_sandbox``) answers these
directives and uses the same names. Facts both sandboxes share (the 30-day authorization,
states, simulations, limits) are in ``orders.amazon_pay_facts``.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any, TypeGuard

from ask_sdk_model import Request
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
from django.utils import timezone

from merchant.models import PaymentMode, Store
from orders.amazon_pay_facts import (
    AUTHORIZATION_LIFETIME,
    CLOSED,
    DECLINED,
    MAX_REFERENCE_LENGTH,
    MAX_SELLER_NOTE_LENGTH,
    MAX_SOFT_DESCRIPTOR_LENGTH,
    OPEN,
    PENDING,
)
from orders.models import Customer, Order
from orders.services import PaymentResult

from .verification import parse_timestamp

SETUP, CHARGE = "Setup", "Charge"
SEND_REQUEST = "Connections.SendRequest"
CONNECTIONS_RESPONSE = "Connections.Response"
SUCCESS_CODE = "200"
# An authorization in these states went through; anything else is a decline.
SUCCESS_STATES = {OPEN, CLOSED, PENDING}
# Countries where a billing agreement must say it is customer-initiated.
EU_COUNTRIES = {"UK", "DE", "AT", "FR", "IT", "ES", "IE"}

# Error codes (``payload.errorCode``, else ``status.message``) and the HTTP status Alexa sent
# with each, by who has to act.
PERMISSION_ERRORS = {  # the shopper: enable Amazon Pay and voice purchasing
    "ACCESS_DENIED": "403",
    "ACCESS_NOT_REQUESTED": "403",
    "FORBIDDEN": "403",
    "VoicePurchaseNotEnabled": "403",
}
INTEGRATION_ERRORS = {  # the merchant's setup
    "BuyerEqualsSeller": "400",
    "InvalidParameterValue": "400",
    "InvalidSandboxCustomerEmail": "400",
    "InvalidSellerId": "400",
    "UnauthorizedAccess": "401",
    "UnsupportedCountryOfEstablishment": "400",
    "UnsupportedCurrency": "400",
}
RUNTIME_ERRORS = {  # the merchant, at run time
    "DuplicateRequest": "400",
    "InternalServerError": "500",
    "InvalidAuthorizationAmount": "400",
    "InvalidBillingAgreementId": "400",
    "InvalidBillingAgreementStatus": "400",
    "InvalidPaymentAction": "400",
    "PeriodicAmountExceeded": "400",
    "ProviderNotAuthorized": "401",
    "ServiceUnavailable": "503",
}
AMAZON_SPEAKS = {  # Amazon Pay tells the shopper itself; the skill adds nothing
    "UnsupportedClientPlatform": "403",
    "InvalidShippingAddress": "400",
    "InvalidAccountStatus": "403",
    "RequestThrottled": "429",
}
ERRORS = {**PERMISSION_ERRORS, **INTEGRATION_ERRORS, **RUNTIME_ERRORS, **AMAZON_SPEAKS}


# Directives ------------------------------------------------------------------------------


def setup_token(order: Order) -> str:
    return f"setup:{order.pk}:{uuid.uuid4().hex[:12]}"


def charge_reference(order: Order) -> str:
    """A fresh authorizationReferenceId for ``order`` (unique, at most 32 characters)."""
    return f"{order.number}-{uuid.uuid4().hex}"[:MAX_REFERENCE_LENGTH]


def charge_token(order: Order, reference: str) -> str:
    return f"charge:{order.pk}:{reference}"


def token_parts(token: str | None, kind: str) -> tuple[str, str] | None:
    """(order id, nonce or reference) of a ``kind`` ("setup", "charge") token, else None."""
    parts = (token or "").split(":")
    if len(parts) != 3 or parts[0] != kind:
        return None
    return parts[1], parts[2]


def soft_descriptor(store: Store) -> str:
    return store.name[:MAX_SOFT_DESCRIPTOR_LENGTH]


def setup_directive(
    *, store: Store, customer: Customer, locale: str, token: str
) -> SendRequestDirective:
    """Setup: a billing agreement for this shopper and store, and their shipping address."""
    agreement = BillingAgreementAttributes(
        version="2",
        seller_note=f"{store.name} voice orders"[:MAX_SELLER_NOTE_LENGTH],
        seller_billing_agreement_attributes=SellerBillingAgreementAttributes(
            version="2",
            seller_billing_agreement_id=f"{store.slug}-{customer.pk}"[:MAX_REFERENCE_LENGTH],
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
        checkout_language=locale.replace("-", "_"),
        billing_agreement_attributes=agreement,
        need_amazon_shipping_address=True,
        sandbox_mode=store.sandbox_mode,
        sandbox_customer_email_id=(
            store.sandbox_customer_email
            if store.sandbox_mode and store.sandbox_customer_email
            else None
        ),
    )
    # ask-sdk-model types the payload as a dict; its serializer writes model objects too.
    return SendRequestDirective(name=SETUP, payload=payload, token=token)  # type: ignore[arg-type]


def charge_directive(
    *, store: Store, customer: Customer, order: Order, reference: str, token: str
) -> SendRequestDirective:
    """Charge ``order``'s total on the shopper's billing agreement: captured now, or only
    authorized when the store charges later (at fulfilment)."""
    action = (
        PaymentAction.Authorize
        if store.payment_mode == PaymentMode.CHARGE_LATER
        else PaymentAction.AuthorizeAndCapture
    )
    payload = ChargeAmazonPayRequest(
        version="2",
        seller_id=store.amazon_pay_seller_id,
        billing_agreement_id=customer.billing_agreement_id,
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
            custom_information=f"customer {customer.pk}",
            seller_note=f"{store.name} order {order.number}"[:MAX_SELLER_NOTE_LENGTH],
        ),
    )
    return SendRequestDirective(name=CHARGE, payload=payload, token=token)  # type: ignore[arg-type]


def find_directive(skill_response: dict[str, Any]) -> dict[str, Any] | None:
    """The Amazon Pay ``Connections.SendRequest`` directive (Setup or Charge) in a
    (serialized) skill response; in-skill purchase directives (Buy, Upsell, Cancel) are not."""
    response = skill_response.get("response") or {}
    directives: list[dict[str, Any]] | None = response.get("directives")
    for directive in directives or []:
        if directive.get("type") == SEND_REQUEST and directive.get("name") in (SETUP, CHARGE):
            return directive
    return None


# Results ---------------------------------------------------------------------------------


def is_result(request: Request, name: str) -> TypeGuard[ConnectionsResponse]:
    return isinstance(request, ConnectionsResponse) and request.name == name


def is_success(request: ConnectionsResponse) -> bool:
    status = request.status
    return status is not None and str(status.code) == SUCCESS_CODE


def _payload(request: ConnectionsResponse) -> dict[str, Any]:
    return _object(request.payload)


# The envelope rules (``envelope_rules``) refuse results whose members have other JSON types;
# the readers below still take only what has the documented type, so that a result built
# elsewhere (a test, the voice console) is never half-read.


def _object(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def error_code(request: ConnectionsResponse) -> str:
    status = request.status
    return _text(_payload(request).get("errorCode")) or _text(status.message if status else "")


def error_message(request: ConnectionsResponse) -> str:
    return _text(_payload(request).get("errorMessage"))


@dataclass(frozen=True)
class SetupResult:
    agreement_id: str
    status: str  # billingAgreementStatus: OPEN, CANCELED, CLOSED, SUSPENDED, DRAFT or ""
    address: dict[str, Any]  # the shipping address (``destination``)


def read_setup(request: ConnectionsResponse) -> SetupResult:
    details = _object(_payload(request).get("billingAgreementDetails"))
    destination = _object(details.get("destination"))
    return SetupResult(
        agreement_id=_text(details.get("billingAgreementId")),
        status=_text(details.get("billingAgreementStatus")),
        address={key: value for key, value in destination.items() if isinstance(value, str)},
    )


@dataclass(frozen=True)
class ChargeResult:
    state: str  # authorizationStatus.state: Open, Closed, Pending, Declined or ""
    payment: PaymentResult  # what ``orders`` books

    @property
    def succeeded(self) -> bool:
        return self.state in SUCCESS_STATES


def read_charge(
    request: ConnectionsResponse, *, token_reference: str, fallback_amount: Decimal
) -> ChargeResult:
    """The authorization in a successful Charge result (``authorizationDetails``)."""
    payload = _payload(request)
    details = _object(payload.get("authorizationDetails"))
    status = _object(details.get("authorizationStatus"))
    state = _text(status.get("state"))
    reference = _text(details.get("authorizationReferenceId")) or token_reference
    capture_now = details.get("captureNow")
    ids = details.get("idList")
    capture_ids = [i for i in ids if isinstance(i, str)] if isinstance(ids, list) else []
    payment = PaymentResult(
        reference_id=reference[:MAX_REFERENCE_LENGTH],
        external_id=_text(details.get("amazonAuthorizationId")),
        amount=_amount(details.get("authorizationAmount"), fallback_amount),
        captured=state == CLOSED and capture_now is not False,
        declined=state == DECLINED,
        reason_code=_text(status.get("reasonCode")),
        raw=payload,
        capture_external_id=capture_ids[0] if capture_ids else "",
        expires_at=_expiry(details),
    )
    return ChargeResult(state=state, payment=payment)


MAX_AMOUNT = Decimal("9999999999.99")  # what a payment row holds (12 digits, 2 decimals)


def _amount(price: object, fallback: Decimal) -> Decimal:
    """The price's amount when it is a finite, non-negative amount a payment row can hold;
    else ``fallback`` (the order's total, which the directive asked for)."""
    value = _object(price).get("amount")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return fallback
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return fallback
    if not amount.is_finite() or not Decimal(0) <= amount <= MAX_AMOUNT:
        return fallback
    return amount


def _expiry(details: dict[str, Any]) -> datetime | None:
    stamp = parse_timestamp(details.get("expirationTimestamp"))
    if stamp is None and details.get("captureNow") is False:
        return timezone.now() + AUTHORIZATION_LIFETIME
    return stamp
