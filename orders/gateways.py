"""One payment gateway interface; the embedded Amazon Pay sandbox is the default.

Amazon Pay for Alexa (and the MWS back-end API it used for capture, close and refund) was
retired, so no live round trip can happen. ``AmazonPaySandboxGateway`` answers the way
Amazon did and keeps Amazon's side of the books in ``SandboxObject`` rows:

- authorizations last 30 days (``AUTHORIZATION_LIFETIME``); a capture after that fails with
  ``InvalidAuthorizationStatus``; an authorization can be captured once, in full or in part,
  or closed (voided);
- refunds are asynchronous: ``refund()`` answers ``Pending``, ``refund_details()`` later
  answers ``Completed`` or ``Declined``; at most 10 refunds per capture
  (``TransactionCountExceeded``); the refunded total never exceeds the capture
  (``TransactionAmountExceeded``);
- every call is idempotent on the seller's reference id (<= 32 characters): the same
  reference with the same content returns the first answer, a different content is a
  ``DuplicateRequest`` error.

Declines are simulated as Amazon's sandbox did: a note holding
``{"SandboxSimulation": {"State": "Declined", "ReasonCode": "AmazonRejected"}}``, or a
``SandboxSimulation`` row (operation authorize/capture/refund, matching a billing agreement
id, a reference prefix or ``*``) so a test or a demo can decline a refund on purpose.

Pay-on-delivery money never passes through Amazon: ``ManualGateway`` books what staff did by
hand (collected cash, handed money back) and completes at once.
"""

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.db.models import F, Sum
from django.utils import timezone

# Shared with the skill's Amazon Pay sandbox (one set of facts for both sandboxes).
from .amazon_pay_facts import (
    AUTHORIZATION_LIFETIME,
    CLOSED,
    COMPLETED,
    DECLINED,
    MAX_REFERENCE_LENGTH,
    MAX_REFUNDS_PER_CAPTURE,
    OPEN,
    PENDING,
)
from .models import SandboxObject, SandboxSimulation


class GatewayError(Exception):
    """The provider refused the call (Amazon's error codes). Nothing was booked there."""

    def __init__(self, code: str, message: str = ""):
        self.code = code
        self.message = message or code
        super().__init__(f"{code}: {self.message}")


@dataclass(frozen=True)
class PaymentRef:
    """What we know of an object on the provider's side (from our ledger)."""

    reference_id: str
    amount: Decimal
    currency: str
    amazon_id: str = ""
    expires_at: datetime | None = None


@dataclass(frozen=True)
class GatewayResult:
    state: str  # Open | Closed | Pending | Completed | Declined
    amazon_id: str
    reference_id: str
    amount: Decimal
    currency: str
    reason_code: str = ""
    expires_at: datetime | None = None
    capture_id: str = ""  # AuthorizeAndCapture: the capture made with the authorization
    raw: dict = field(default_factory=dict)

    @property
    def declined(self) -> bool:
        return self.state == DECLINED


class PaymentGateway(Protocol):
    name: str

    def authorize(
        self,
        *,
        billing_agreement_id: str,
        reference_id: str,
        amount: Decimal,
        currency: str,
        capture_now: bool = False,
        note: str = "",
    ) -> GatewayResult: ...

    def capture(
        self, *, authorization: PaymentRef, reference_id: str, amount: Decimal
    ) -> GatewayResult: ...

    def void(self, *, authorization: PaymentRef, reference_id: str) -> GatewayResult: ...

    def refund(
        self, *, capture: PaymentRef, reference_id: str, amount: Decimal, note: str = ""
    ) -> GatewayResult: ...

    def refund_details(self, *, refund: PaymentRef) -> GatewayResult: ...


# Gateways of the apps above orders (the cards app's "stripe"), registered from their
# AppConfig.ready(): orders never imports them.
_REGISTERED: dict[str, Callable[[], PaymentGateway]] = {}


def register_gateway(name: str, factory: Callable[[], PaymentGateway]) -> None:
    """Make ``get_gateway(name)`` answer with ``factory()``."""
    _REGISTERED[name] = factory


def get_gateway(name: str | None = None) -> PaymentGateway:
    name = name or settings.ORDERS_PAYMENT_GATEWAY
    if name == ManualGateway.name:
        return ManualGateway()
    if name == AmazonPaySandboxGateway.name:
        return AmazonPaySandboxGateway()
    if name in _REGISTERED:
        return _REGISTERED[name]()
    raise GatewayError("UnknownGateway", name)


def _check_reference(reference_id: str) -> None:
    if not reference_id or len(reference_id) > MAX_REFERENCE_LENGTH:
        raise GatewayError(
            "InvalidParameterValue", f"Reference ids are 1 to {MAX_REFERENCE_LENGTH} characters."
        )


def _simulated_decline(note: str) -> str:
    """The ReasonCode of a ``SandboxSimulation`` decline written in a note, else ''."""
    start = note.find("{")
    if start < 0 or "SandboxSimulation" not in note:
        return ""
    try:
        simulation = json.loads(note[start:])["SandboxSimulation"]
    except (ValueError, KeyError, TypeError):
        return ""
    if simulation.get("State") == DECLINED:
        return simulation.get("ReasonCode", "AmazonRejected")
    return ""


class AmazonPaySandboxGateway:
    name = "amazon_pay_sandbox"

    def __init__(self):
        self.latency = float(settings.AMAZON_PAY_SANDBOX_LATENCY_SECONDS)
        self.refund_seconds = float(settings.AMAZON_PAY_SANDBOX_REFUND_SECONDS)

    # Helpers ------------------------------------------------------------------------------

    def _round_trip(self):
        if self.latency:
            time.sleep(self.latency)

    @staticmethod
    def _amazon_id(letter: str) -> str:
        return f"S01-{secrets.randbelow(10**7):07d}-{secrets.randbelow(10**7):07d}-{letter}" + (
            f"{secrets.randbelow(10**6):06d}"
        )

    @staticmethod
    def _simulation(operation: str, *keys: str) -> str:
        for sim in SandboxSimulation.objects.select_for_update().filter(operation=operation):
            if sim.match == "*" or any(key and key.startswith(sim.match) for key in keys):
                if sim.remaining is not None:
                    if sim.remaining == 0:
                        continue
                    SandboxSimulation.objects.filter(pk=sim.pk).update(remaining=F("remaining") - 1)
                return sim.reason_code
        return ""

    @staticmethod
    def _result(obj, **extra) -> GatewayResult:
        # A pending refund's outcome is decided but not yet told.
        reason = "" if obj.state == PENDING else obj.reason_code
        return GatewayResult(
            state=obj.state,
            amazon_id=obj.amazon_id,
            reference_id=obj.reference_id,
            amount=obj.amount,
            currency=obj.currency,
            reason_code=reason,
            expires_at=obj.expires_at,
            raw={"amazonId": obj.amazon_id, "state": obj.state, "reasonCode": reason},
            **extra,
        )

    @staticmethod
    def _existing(kind: str, reference_id: str, **same):
        """The object booked earlier under this reference, if its content matches."""
        obj = SandboxObject.objects.filter(kind=kind, reference_id=reference_id).first()
        if obj is None:
            return None
        for attr, value in same.items():
            if value is not None and getattr(obj, attr) != value:
                raise GatewayError(
                    "DuplicateRequest", f"{kind} {reference_id} was sent with other content."
                )
        return obj

    def _known(self, kind: str, ref: PaymentRef, parent=None):
        """Find an object made elsewhere (the Charge directive ran on Alexa) or adopt it."""
        qs = SandboxObject.objects.select_for_update()
        obj = None
        if ref.amazon_id:
            obj = qs.filter(amazon_id=ref.amazon_id).first()
        if obj is None:
            obj = qs.filter(kind=kind, reference_id=ref.reference_id).first()
        if obj is None:
            now = timezone.now()
            obj = SandboxObject.objects.create(
                kind=kind,
                reference_id=ref.reference_id[:MAX_REFERENCE_LENGTH],
                amazon_id=ref.amazon_id or self._amazon_id(kind[0].upper()),
                parent=parent,
                amount=ref.amount,
                currency=ref.currency,
                state=OPEN if kind == "authorization" else COMPLETED,
                expires_at=ref.expires_at
                or (now + AUTHORIZATION_LIFETIME if kind == "authorization" else None),
            )
        return obj

    # Operations ---------------------------------------------------------------------------

    @transaction.atomic
    def authorize(
        self, *, billing_agreement_id, reference_id, amount, currency, capture_now=False, note=""
    ) -> GatewayResult:
        _check_reference(reference_id)
        self._round_trip()
        if amount <= 0:
            raise GatewayError("InvalidAuthorizationAmount", "Amounts are positive.")
        if not billing_agreement_id:
            raise GatewayError("InvalidBillingAgreementId", "No billing agreement.")
        seen = self._existing(
            "authorization", reference_id, amount=amount, billing_agreement_id=billing_agreement_id
        )
        if seen is not None:
            capture = seen.children.filter(kind="capture").first()
            return self._result(seen, capture_id=capture.amazon_id if capture else "")
        reason = _simulated_decline(note) or self._simulation(
            "authorize", billing_agreement_id, reference_id
        )
        now = timezone.now()
        auth = SandboxObject.objects.create(
            kind="authorization",
            reference_id=reference_id,
            amazon_id=self._amazon_id("A"),
            billing_agreement_id=billing_agreement_id,
            amount=amount,
            currency=currency,
            state=DECLINED if reason else OPEN,
            reason_code=reason,
            note=note[:1024],
            expires_at=now + AUTHORIZATION_LIFETIME,
        )
        if reason or not capture_now:
            return self._result(auth)
        capture = SandboxObject.objects.create(
            kind="capture",
            reference_id=f"{reference_id[:30]}-c",
            amazon_id=self._amazon_id("C"),
            parent=auth,
            amount=amount,
            currency=currency,
            state=COMPLETED,
        )
        auth.state, auth.reason_code = CLOSED, "MaxCapturesProcessed"
        auth.save(update_fields=["state", "reason_code", "updated_at"])
        return self._result(auth, capture_id=capture.amazon_id)

    @transaction.atomic
    def capture(self, *, authorization: PaymentRef, reference_id, amount) -> GatewayResult:
        _check_reference(reference_id)
        self._round_trip()
        seen = self._existing("capture", reference_id, amount=amount)
        if seen is not None:
            return self._result(seen)
        auth = self._known("authorization", authorization)
        if auth.state == DECLINED or auth.state == CLOSED:
            raise GatewayError("InvalidAuthorizationStatus", f"The authorization is {auth.state}.")
        if auth.expires_at and auth.expires_at <= timezone.now():
            auth.state, auth.reason_code = CLOSED, "ExpiredUnused"
            auth.save(update_fields=["state", "reason_code", "updated_at"])
            raise GatewayError("InvalidAuthorizationStatus", "The authorization has expired.")
        if amount <= 0 or amount > auth.amount:
            raise GatewayError("TransactionAmountExceeded", "Capture above the authorization.")
        reason = self._simulation("capture", reference_id, auth.billing_agreement_id)
        capture = SandboxObject.objects.create(
            kind="capture",
            reference_id=reference_id,
            amazon_id=self._amazon_id("C"),
            parent=auth,
            amount=amount,
            currency=auth.currency,
            state=DECLINED if reason else COMPLETED,
            reason_code=reason,
        )
        if not reason:
            auth.state, auth.reason_code = CLOSED, "MaxCapturesProcessed"
            auth.save(update_fields=["state", "reason_code", "updated_at"])
        return self._result(capture)

    @transaction.atomic
    def void(self, *, authorization: PaymentRef, reference_id) -> GatewayResult:
        """closeAuthorization: releases the amount held on the buyer's payment method."""
        _check_reference(reference_id)
        self._round_trip()
        seen = self._existing("void", reference_id)
        if seen is not None:
            return self._result(seen)
        auth = self._known("authorization", authorization)
        if auth.state != OPEN:
            raise GatewayError("InvalidAuthorizationStatus", f"The authorization is {auth.state}.")
        auth.state, auth.reason_code = CLOSED, "SellerClosed"
        auth.save(update_fields=["state", "reason_code", "updated_at"])
        void = SandboxObject.objects.create(
            kind="void",
            reference_id=reference_id,
            amazon_id=auth.amazon_id + "-X",
            parent=auth,
            amount=auth.amount,
            currency=auth.currency,
            state=CLOSED,
            reason_code="SellerClosed",
        )
        return self._result(void)

    @transaction.atomic
    def refund(self, *, capture: PaymentRef, reference_id, amount, note="") -> GatewayResult:
        _check_reference(reference_id)
        self._round_trip()
        seen = self._existing("refund", reference_id, amount=amount)
        if seen is not None:
            return self._result(seen)
        cap = self._known("capture", capture)
        if cap.state != COMPLETED:
            raise GatewayError("InvalidCaptureStatus", f"The capture is {cap.state}.")
        refunds = SandboxObject.objects.filter(parent=cap, kind="refund")
        if refunds.count() >= MAX_REFUNDS_PER_CAPTURE:
            raise GatewayError("TransactionCountExceeded", "At most 10 refunds per capture.")
        refunded = refunds.exclude(state=DECLINED).aggregate(s=Sum("amount"))["s"] or Decimal(0)
        if amount <= 0 or refunded + amount > cap.amount:
            raise GatewayError("TransactionAmountExceeded", "Refunds above the captured amount.")
        outcome = _simulated_decline(note) or self._simulation("refund", reference_id)
        refund = SandboxObject.objects.create(
            kind="refund",
            reference_id=reference_id,
            amazon_id=self._amazon_id("R"),
            parent=cap,
            amount=amount,
            currency=cap.currency,
            state=PENDING,
            # The outcome is decided now and revealed when the refund settles.
            reason_code=outcome,
            note=note[:1024],
            settle_at=timezone.now() + timedelta(seconds=self.refund_seconds),
        )
        return self._result(refund)

    @transaction.atomic
    def refund_details(self, *, refund: PaymentRef) -> GatewayResult:
        self._round_trip()
        obj = (
            SandboxObject.objects.select_for_update()
            .filter(kind="refund", reference_id=refund.reference_id)
            .first()
        )
        if obj is None:
            raise GatewayError("InvalidRefundId", f"Unknown refund {refund.reference_id}.")
        if obj.state == PENDING and obj.settle_at and obj.settle_at <= timezone.now():
            obj.state = DECLINED if obj.reason_code else COMPLETED
            obj.save(update_fields=["state", "updated_at"])
        return self._result(obj)


class ManualGateway:
    """Money that moved outside Amazon Pay (pay on delivery): booked, completed at once."""

    name = "manual"

    def _done(self, reference_id, amount, currency, state=COMPLETED) -> GatewayResult:
        _check_reference(reference_id)
        return GatewayResult(
            state=state,
            amazon_id="",
            reference_id=reference_id,
            amount=amount,
            currency=currency,
        )

    def authorize(self, **kwargs) -> GatewayResult:
        raise GatewayError("InvalidPaymentAction", "Pay on delivery has no authorization.")

    def capture(self, *, authorization, reference_id, amount) -> GatewayResult:
        return self._done(reference_id, amount, authorization.currency)

    def void(self, *, authorization, reference_id) -> GatewayResult:
        return self._done(reference_id, authorization.amount, authorization.currency, CLOSED)

    def refund(self, *, capture, reference_id, amount, note="") -> GatewayResult:
        return self._done(reference_id, amount, capture.currency)

    def refund_details(self, *, refund) -> GatewayResult:
        return self._done(refund.reference_id, refund.amount, refund.currency)
