"""Payment handlers this store offers to platforms, and how a completion's instrument is
charged.

A store paid on delivery (the payment mode its voice orders use) offers ``pay_on_delivery``:
completing with it places the order with nothing charged, booked like a voice order paid on
delivery (staff record the money collected, the ``manual`` gateway); any other store refuses
it (400 ``payment_handler_unsupported``). The conformance suite's handler is offered only
on test deployments (``UCP_SIMULATION_SECRET`` set):
the conformance suite's ``mock_payment_handler``. Its token credential ``success_token`` is
approved and ``fail_token`` declined; a token may carry a ``binding`` to this checkout; a
card credential (test numbers, Luhn-checked, unexpired) is approved, except the decline test
card 4000 0000 0000 0002. An approved payment is authorized on the portal's payment sandbox
(``orders.gateways``) and booked by ``order_place`` like every other order, so capture on
shipping, refunds and the support console work as for voice orders.
"""

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from merchant.models import PaymentMode, Store
from orders import services as orders
from orders.gateways import GatewayError, get_gateway
from orders.models import Order

from . import stripe_cards, wallet
from .parsing import integer, obj, text
from .protocol import VERSION, UcpError

POD_HANDLER_ID = "pay_on_delivery"
POD_HANDLER_NAMESPACE = "com.voicestoreportal.pay_on_delivery"
POD_INSTRUMENT_TYPE = "pay_on_delivery"
MOCK_HANDLER_ID = "mock_payment_handler"
MOCK_HANDLER_NAMESPACE = "dev.ucp.mock_payment_handler"
DECLINED_TEST_CARD = "4000000000000002"
AP2_MANDATE = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*(~[A-Za-z0-9_.~-]*)?$")


def simulation_enabled() -> bool:
    return bool(settings.UCP_SIMULATION_SECRET)


def pays_on_delivery(store: Store) -> bool:
    return store.payment_mode == PaymentMode.PAY_ON_DELIVERY


def pod_handler_entry() -> dict[str, Any]:
    return {
        "id": POD_HANDLER_ID,
        "version": VERSION,
        "available_instruments": [{"type": POD_INSTRUMENT_TYPE}],
        "config": {"collected": "on_delivery", "credential": "none"},
    }


def payment_handlers(store: Store) -> dict[str, list[dict[str, Any]]]:
    """The handlers of the store's profile and checkout responses, by namespace: pay on
    delivery when the store is paid on delivery, Stripe cards and the partner wallet when
    the store has Stripe keys, the suite's mock handler on test deployments."""
    handlers: dict[str, list[dict[str, Any]]] = {}
    if pays_on_delivery(store):
        handlers[POD_HANDLER_NAMESPACE] = [pod_handler_entry()]
    if stripe_cards.takes_cards(store):
        handlers[stripe_cards.STRIPE_HANDLER_NAMESPACE] = [stripe_cards.handler_entry(store)]
        handlers[wallet.WALLET_NAMESPACE] = [wallet.wallet_handler_entry(store)]
    if not simulation_enabled():
        return handlers
    return {
        **handlers,
        MOCK_HANDLER_NAMESPACE: [
            {
                "id": MOCK_HANDLER_ID,
                "version": VERSION,
                "spec": f"https://ucp.dev/{VERSION}/schemas/mock_payment_handler/spec",
                "available_instruments": [{"type": "card"}],
            }
        ],
    }


@dataclass(frozen=True)
class Approval:
    handler_id: str
    credential_type: str
    description: str  # for the order's ledger, never a card number or a token
    token: str = ""  # the Stripe payment method a card handler instrument carries


def _declined(content: str) -> UcpError:
    return UcpError(402, "payment_failed", content, severity="recoverable")


def _luhn(number: str) -> bool:
    digits = [int(d) for d in number][::-1]
    total = sum(digits[0::2]) + sum(sum(divmod(2 * d, 10)) for d in digits[1::2])
    return total % 10 == 0


def _card(credential: dict[str, Any], path: str) -> str:
    number = text(credential.get("number"), f"{path}.number", limit=19, required=True)
    if not number.isdigit() or not 12 <= len(number) <= 19 or not _luhn(number):
        raise _declined("The card number is not valid.")
    month = integer(credential.get("expiry_month"), f"{path}.expiry_month", minimum=1, maximum=12)
    year = integer(credential.get("expiry_year"), f"{path}.expiry_year", minimum=2000, maximum=2100)
    today = timezone.now().date()
    if (year, month) < (today.year, today.month):
        raise _declined("The card has expired.")
    cvc = text(credential.get("cvc"), f"{path}.cvc", limit=4)
    if cvc and not cvc.isdigit():
        raise _declined("The card security code is not valid.")
    if number == DECLINED_TEST_CARD:
        raise _declined("The card was declined.")
    return f"card ending in {number[-4:]}"


def approve(
    *, store: Store, checkout_id: str, instrument: dict[str, Any], ap2: Any, path: str
) -> Approval:
    """Check the instrument with its handler: ``UcpError`` 402 when declined, 400 when the
    request names a handler or credential this store does not take."""
    handler_id = instrument["handler_id"]
    if handler_id == POD_HANDLER_ID:
        if not pays_on_delivery(store):
            raise UcpError(
                400,
                "payment_handler_unsupported",
                "This store does not take payment on delivery; pay with a handler of its profile.",
                path=f"{path}.handler_id",
            )
        return Approval(handler_id, "none", "pay on delivery")
    if handler_id == stripe_cards.STRIPE_HANDLER_ID and stripe_cards.takes_cards(store):
        credential = obj(instrument.get("credential"), f"{path}.credential", optional=False)
        kind = text(credential.get("type"), f"{path}.credential.type", limit=40, required=True)
        if kind != "token":
            raise UcpError(
                400,
                "credential_unsupported",
                f"Credentials of type {kind} are not accepted.",
                path=f"{path}.credential.type",
            )
        token = text(credential.get("token"), f"{path}.credential.token", limit=255, required=True)
        return Approval(handler_id, kind, f"{handler_id} payment method", token=token)
    if handler_id != MOCK_HANDLER_ID or not simulation_enabled():
        raise UcpError(
            400,
            "payment_handler_unsupported",
            f"This store does not take payments through {handler_id}.",
            path=f"{path}.handler_id",
        )
    if ap2 is not None:
        mandate = obj(ap2, "$.ap2", optional=False).get("checkout_mandate")
        if not isinstance(mandate, str) or not AP2_MANDATE.match(mandate):
            raise UcpError(400, "invalid_mandate", "$.ap2.checkout_mandate is not a mandate.")
    credential = obj(instrument.get("credential"), f"{path}.credential", optional=False)
    kind = text(credential.get("type"), f"{path}.credential.type", limit=40, required=True)
    if kind == "token":
        token = text(credential.get("token"), f"{path}.credential.token", limit=500, required=True)
        binding = obj(credential.get("binding"), f"{path}.credential.binding")
        bound_to = binding.get("checkout_id")
        if bound_to is not None and bound_to != checkout_id:
            raise _declined("The payment token is bound to another checkout.")
        if token != "success_token":
            raise _declined("The payment was declined.")
        return Approval(handler_id, kind, f"{handler_id} token")
    if kind == "card":
        return Approval(handler_id, kind, _card(credential, f"{path}.credential"))
    raise UcpError(
        400,
        "credential_unsupported",
        f"Credentials of type {kind} are not accepted.",
        path=f"{path}.credential.type",
    )


def authorize(*, order: Order, approval: Approval) -> orders.PaymentResult | None:
    """Authorize the approved payment for the order's total on the payment sandbox (captured
    at once for Charge Now stores); None for stores paid on delivery. The Stripe card
    handler charges the store's Stripe instead (``stripe_cards.charge``)."""
    if approval.handler_id == POD_HANDLER_ID:
        return None  # order_place books a pay-on-delivery order; staff collect on delivery
    if approval.handler_id == stripe_cards.STRIPE_HANDLER_ID:
        return stripe_cards.charge(order=order, token=approval.token)
    if order.payment_mode == PaymentMode.PAY_ON_DELIVERY:
        return None
    capture_now = order.payment_mode == PaymentMode.CHARGE_NOW
    reference_id = f"ucp-{order.pk}-a"
    try:
        result = get_gateway().authorize(
            billing_agreement_id=f"UCP-{approval.handler_id}"[:60],
            reference_id=reference_id,
            amount=order.total,
            currency=order.currency,
            capture_now=capture_now,
            note=approval.description,
        )
    except GatewayError as exc:
        raise _declined(f"The payment could not be authorized ({exc.code}).") from exc
    if result.declined:
        raise _declined("The payment was declined.")
    return orders.PaymentResult(
        reference_id=reference_id,
        external_id=result.amazon_id,
        amount=result.amount,
        captured=capture_now,
        capture_external_id=result.capture_id,
        expires_at=result.expires_at,
        raw={"handler": approval.handler_id, "credential": approval.credential_type},
    )
