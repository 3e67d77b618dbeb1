"""Coded domain errors: every code a service may refuse with, and its staff wording.

The services raise ``OrderError(OrderErrorCode.X, message, **data)``; the support console and
the API show ``error_message(exc)`` (the wording below, filled from ``data``); the skill turns
the code into speech. ``OrderErrorCode`` is a ``StrEnum``, so ``exc.code == "out_of_stock"``
keeps working wherever a code is compared as a string. (After Saleor's
``order/error_codes.py``.)
"""

from merchant.codes import WordedCode


class OrderErrorCode(WordedCode):
    """A stable code and, beside it, the sentence staff read when it is refused."""

    # The cart and placing an order (the skill's flows).
    NOT_A_CART = "not_a_cart", "This order is no longer a cart."
    BAD_QUANTITY = "bad_quantity", "Quantities start at one."
    EMPTY_CART = "empty_cart", "The cart is empty."
    OUT_OF_STOCK = "out_of_stock", "An item is no longer available ({sku})."
    PAYMENT_DECLINED = "payment_declined", "A declined payment cannot place an order."
    PAYMENT_REQUIRED = "payment_required", "This store takes payment when ordering."
    NO_PAYMENT_EXPECTED = "no_payment_expected", "Pay-on-delivery orders are paid on delivery."
    DISCOUNT_UNAVAILABLE = (
        "discount_unavailable",
        "The discount code {discount_code} can no longer be used.",
    )
    BAD_SHIPPING_FEE = "bad_shipping_fee", "Shipping fees are not negative."
    REFERENCE_CONFLICT = (
        "reference_conflict",
        "This form was already used for another payment. Reload the page.",
    )

    # Cancel and fulfilment.
    ALREADY_CANCELLED = "already_cancelled", "This order is already cancelled."
    CANNOT_CANCEL = (
        "cannot_cancel",
        "Only orders that have not shipped can be cancelled. Refund it instead.",
    )
    CANNOT_SHIP = "cannot_ship", "Only placed orders can be shipped."
    CARRIER_REQUIRED = "carrier_required", "Name the carrier."
    CANNOT_DELIVER = "cannot_deliver", "Only shipped orders can be marked delivered."
    CANNOT_MARK_OUT_FOR_DELIVERY = (
        "cannot_mark_out_for_delivery",
        "Only shipped orders that are not yet out for delivery can be marked so.",
    )
    EMPTY_NOTE = "empty_note", "Write the note first."
    NOTE_TOO_LONG = "note_too_long", "Notes are at most 2000 characters."

    # Payments: capture, void, collection.
    ALREADY_CAPTURED = "already_captured", "The payment is already captured."
    CANNOT_CAPTURE = "cannot_capture", "There is no open authorization to capture."
    CAPTURE_FAILED = (
        "capture_failed",
        "Amazon Pay refused the capture ({reason}). The timeline has the details.",
    )
    CANNOT_VOID = "cannot_void", "There is no open authorization to release."
    CANNOT_COLLECT = "cannot_collect", "There is no payment to collect on this order."
    GATEWAY_ERROR = "gateway_error", "Amazon Pay refused the request ({gateway_code})."

    # Refunds and refund requests.
    CANNOT_REFUND = (
        "cannot_refund",
        "Nothing on this order can be refunded (refundable: {refundable}).",
    )
    NOTHING_CAPTURED = "nothing_captured", "Nothing was captured, so nothing can be refunded."
    BAD_AMOUNT = "bad_amount", "Refund a positive amount."
    AMOUNT_EXCEEDS_REFUNDABLE = "amount_exceeds_refundable", "At most {refundable} can be refunded."
    CHARGED_BACK = (
        "charged_back",
        "At most {refundable} can be refunded: the shopper's bank already took {charged_back} "
        "back in a card dispute (chargeback), and that money cannot be refunded again.",
    )
    NOTHING_CHARGED_BACK = (
        "nothing_charged_back",
        "This dispute took no money back, so there is nothing to reinstate.",
    )
    TOO_MANY_REFUNDS = "too_many_refunds", "Amazon Pay allows at most 10 refunds per payment."
    BAD_REFUND_QUANTITY = (
        "bad_refund_quantity",
        "That is more than can still be refunded of this line.",
    )
    UNKNOWN_LINE = "unknown_line", "That line is not on this order."
    REASON_REQUIRED = "reason_required", "Give a reason for the refund."
    RESOLUTION_REQUIRED = "resolution_required", "Say how the request was resolved."
    ALREADY_RESOLVED = "already_resolved", "This request was already resolved."

    # Refill plans.
    WRONG_STORE = "wrong_store", "That product belongs to another store."
    BAD_INTERVAL = "bad_interval", "Refills come at least one week apart."
    NO_BILLING_AGREEMENT = "no_billing_agreement", "Refills need an open Amazon Pay agreement."
    PLAN_NOT_ACTIVE = "plan_not_active", "The plan is not active."
    PLAN_NOT_PAUSED = "plan_not_paused", "The plan is not paused."
    PLAN_ALREADY_CANCELLED = "plan_already_cancelled", "The plan is already cancelled."
    RENEWAL_NOT_DUE = "renewal_not_due", "The next renewal is not due yet."


class OrderError(Exception):
    """A refused change. ``code`` is stable; ``message`` is for logs and staff."""

    def __init__(self, code: OrderErrorCode | str, message: str = "", **data):
        self.code = OrderErrorCode(code)  # type: ignore[call-arg]  # a lookup by value
        self.message = message or code
        self.data = data
        super().__init__(f"{code}: {self.message}")


def error_message(exc: OrderError) -> str:
    """The staff wording of a refusal, filled from its data (the console and the API)."""
    template = exc.code.wording
    try:
        return template.format(**exc.data)
    except (KeyError, IndexError):
        return template
