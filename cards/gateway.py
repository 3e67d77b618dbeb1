"""The "stripe" payment gateway: orders' capture on shipping, void on cancel and refunds from
the support console reach Stripe through it, exactly as they reach Amazon Pay.

Registered with ``orders.gateways.register_gateway`` (``CardsConfig.ready``); ``gateway_for``
picks it for an order whose authorization it made. The ledger's external ids are Stripe's
PaymentIntent ids (authorization and capture) and Refund ids. Which store's keys to use is
read from the ledger row the reference belongs to (references are unique).

Every call carries our reference as the ``Idempotency-Key``. localstripe ignores that header,
so a repeated capture or void is also recognised from the PaymentIntent's state.
"""

from datetime import timedelta
from decimal import Decimal
from typing import Any

import stripe

from merchant.models import Store
from orders.amazon_pay_facts import CLOSED, COMPLETED, DECLINED, PENDING
from orders.gateways import GatewayError, GatewayResult, PaymentRef
from orders.models import PaymentTransaction

from .config import client_for
from .money import from_minor, to_minor

NAME = "stripe"
# An uncaptured card PaymentIntent is canceled by Stripe after 7 days.
AUTHORIZATION_LIFETIME = timedelta(days=7)

# Stripe's refund statuses in the ledger's words.
REFUND_STATES = {
    "succeeded": COMPLETED,
    "pending": PENDING,
    "requires_action": PENDING,
    "failed": DECLINED,
    "canceled": DECLINED,
}


def refusal(exc: stripe.StripeError) -> GatewayError:
    error = exc.error
    code = (error.code if error is not None else "") or type(exc).__name__
    return GatewayError(code, exc.user_message or str(exc))


def _store(ref: PaymentRef) -> Store:
    txn = (
        PaymentTransaction.objects.select_related("store")
        .filter(reference_id=ref.reference_id)
        .first()
    )
    if txn is None:
        raise GatewayError("UnknownReference", f"No payment {ref.reference_id} in the ledger.")
    return txn.store


def _result(state: str, obj: Any, ref_id: str, amount: Decimal, currency: str, **extra: Any):
    return GatewayResult(
        state=state,
        amazon_id=obj.id,
        reference_id=ref_id,
        amount=amount,
        currency=currency,
        raw={"stripeId": obj.id, "status": obj.status},
        **extra,
    )


class StripeGateway:
    name = NAME

    def authorize(self, **kwargs: Any) -> GatewayResult:
        raise GatewayError(
            "InvalidPaymentAction",
            "Card payments start with cards.services.order_pay_with_card (a saved card).",
        )

    def capture(self, *, authorization: PaymentRef, reference_id: str, amount: Decimal):
        client = client_for(_store(authorization))
        pi_id = authorization.amazon_id
        try:
            intent = client.v1.payment_intents.capture(
                pi_id,
                {"amount_to_capture": to_minor(amount, authorization.currency)},
                {"idempotency_key": reference_id},
            )
        except stripe.StripeError as exc:
            intent = self._retrieve_after_error(client, pi_id, exc)
            if intent.status != "succeeded":
                raise refusal(exc) from exc
        if intent.status != "succeeded":
            return _result(
                DECLINED, intent, reference_id, amount, authorization.currency,
                reason_code=intent.status,
            )  # fmt: skip
        # Stripe says what it took (amount_received); localstripe leaves that field out.
        received = getattr(intent, "amount_received", None)
        taken = from_minor(received, authorization.currency) if received is not None else amount
        return _result(COMPLETED, intent, reference_id, taken, authorization.currency)

    def void(self, *, authorization: PaymentRef, reference_id: str) -> GatewayResult:
        """Cancel the PaymentIntent: the hold on the shopper's card is released."""
        client = client_for(_store(authorization))
        pi_id = authorization.amazon_id
        try:
            intent = client.v1.payment_intents.cancel(pi_id, {}, {"idempotency_key": reference_id})
        except stripe.StripeError as exc:
            intent = self._retrieve_after_error(client, pi_id, exc)
            if intent.status != "canceled":
                raise refusal(exc) from exc
        return _result(
            CLOSED, intent, reference_id, authorization.amount, authorization.currency,
            reason_code="SellerClosed",
        )  # fmt: skip

    def refund(
        self, *, capture: PaymentRef, reference_id: str, amount: Decimal, note: str = ""
    ) -> GatewayResult:
        client = client_for(_store(capture))
        try:
            refund = client.v1.refunds.create(
                {
                    "payment_intent": capture.amazon_id,
                    "amount": to_minor(amount, capture.currency),
                    "metadata": {"reference_id": reference_id, "note": note[:500]},
                },
                {"idempotency_key": reference_id},
            )
        except stripe.StripeError as exc:
            raise refusal(exc) from exc
        return self._refund_result(refund, reference_id, capture.currency)

    def refund_details(self, *, refund: PaymentRef) -> GatewayResult:
        client = client_for(_store(refund))
        try:
            found = client.v1.refunds.retrieve(refund.amazon_id)
        except stripe.StripeError as exc:
            raise refusal(exc) from exc
        return self._refund_result(found, refund.reference_id, refund.currency)

    # Helpers ------------------------------------------------------------------------------

    @staticmethod
    def _refund_result(refund: Any, reference_id: str, currency: str) -> GatewayResult:
        state = REFUND_STATES.get(refund.status or "", PENDING)
        reason = ""
        if state == DECLINED:
            reason = getattr(refund, "failure_reason", None) or refund.status
        return _result(
            state, refund, reference_id, from_minor(refund.amount, currency), currency,
            reason_code=reason,
        )  # fmt: skip

    @staticmethod
    def _retrieve_after_error(client: stripe.StripeClient, pi_id: str, exc: stripe.StripeError):
        """The PaymentIntent as it is now (a repeated capture or void finds it done)."""
        try:
            return client.v1.payment_intents.retrieve(pi_id)
        except stripe.StripeError:
            raise refusal(exc) from exc
