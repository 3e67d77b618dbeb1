"""Facts of Amazon Pay for Alexa that both embedded sandboxes share.

Amazon retired Amazon Pay for Alexa Skills (and the MWS back end behind it), so the portal
plays Amazon's part twice: ``skill.amazon_pay_sandbox`` answers the skill's Setup and Charge
directives as Alexa did, and ``orders.gateways.AmazonPaySandboxGateway`` answers the back
office's capture, close and refund calls as MWS did. Both must tell the same story, so the
numbers, names and formats they agree on live here, at the bottom of the stack (``orders``),
where the skill may import them and the gateway needs nothing from above.
"""

import json
from datetime import timedelta

# An authorization lasts 30 days; capturing after that fails.
AUTHORIZATION_LIFETIME = timedelta(days=30)
# Amazon's limits on the seller's side.
MAX_REFUNDS_PER_CAPTURE = 10
MAX_REFERENCE_LENGTH = 32  # authorizationReferenceId, captureReferenceId, refundReferenceId
MAX_SOFT_DESCRIPTOR_LENGTH = 16
MAX_SELLER_NOTE_LENGTH = 1024

# States of authorizations, captures and refunds, as Amazon names them.
OPEN, CLOSED, PENDING, DECLINED, COMPLETED = "Open", "Closed", "Pending", "Declined", "Completed"
# reasonCode of an AuthorizeAndCapture that went through (the authorization is Closed).
MAX_CAPTURES_PROCESSED = "MaxCapturesProcessed"
# reasonCode of a declined authorization.
DECLINE_REASONS = (
    "InvalidPaymentMethod",  # soft decline: the shopper may fix the payment method
    "AmazonRejected",
    "ProcessingFailure",
    "TransactionTimedOut",
)
SOFT_DECLINE = "InvalidPaymentMethod"

# billingAgreementStatus values of a Setup result.
AGREEMENT_OPEN = "OPEN"
AGREEMENT_STATES = ("OPEN", "CANCELED", "CLOSED", "SUSPENDED", "DRAFT")

# Id formats: a billing agreement is ``C01-1234567-1234567``; an order reference
# ``S01-1234567-1234567``, and its authorization, capture and refund ids add ``-A``/``-C``/
# ``-R`` and six digits: ``S01-1234567-1234567-A123456``.
BILLING_AGREEMENT_PREFIX = "C01"
ORDER_REFERENCE_PREFIX = "S01"

# A note (sellerAuthorizationNote, a refund's note) holding this JSON makes the sandbox
# decline: ``{"SandboxSimulation": {"State": "Declined", "ReasonCode": "AmazonRejected"}}``.
SANDBOX_SIMULATION = "SandboxSimulation"


def sandbox_simulation(note: str | None) -> dict:
    """The ``SandboxSimulation`` object written in a note as JSON, else ``{}``."""
    if not note:
        return {}
    try:
        data = json.loads(note)
    except ValueError:
        return {}
    simulation = data.get(SANDBOX_SIMULATION) if isinstance(data, dict) else None
    return simulation if isinstance(simulation, dict) else {}
