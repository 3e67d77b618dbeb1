"""Forms of the support console and the staff wording of every OrderError code."""

import uuid
from decimal import Decimal

from django import forms

from .errors import OrderError

ERROR_MESSAGES = {
    "already_cancelled": "This order is already cancelled.",
    "cannot_cancel": "Only orders that have not shipped can be cancelled. Refund it instead.",
    "cannot_ship": "Only placed orders can be shipped.",
    "carrier_required": "Name the carrier.",
    "cannot_deliver": "Only shipped orders can be marked delivered.",
    "empty_note": "Write the note first.",
    "note_too_long": "Notes are at most 2000 characters.",
    "already_captured": "The payment is already captured.",
    "cannot_capture": "There is no open authorization to capture.",
    "capture_failed": "Amazon Pay refused the capture ({reason}). The timeline has the details.",
    "cannot_void": "There is no open authorization to release.",
    "cannot_collect": "There is no payment to collect on this order.",
    "cannot_refund": "Nothing on this order can be refunded (refundable: {refundable}).",
    "nothing_captured": "Nothing was captured, so nothing can be refunded.",
    "bad_amount": "Refund a positive amount.",
    "amount_exceeds_refundable": "At most {refundable} can be refunded.",
    "too_many_refunds": "Amazon Pay allows at most 10 refunds per payment.",
    "bad_refund_quantity": "That is more than can still be refunded of this line.",
    "unknown_line": "That line is not on this order.",
    "reason_required": "Give a reason for the refund.",
    "reference_conflict": "This form was already used for another payment. Reload the page.",
    "gateway_error": "Amazon Pay refused the request ({gateway_code}).",
    "resolution_required": "Say how the request was resolved.",
    "already_resolved": "This request was already resolved.",
    "plan_not_active": "The plan is not active.",
    "plan_not_paused": "The plan is not paused.",
    "plan_already_cancelled": "The plan is already cancelled.",
}


def error_message(exc: OrderError) -> str:
    template = ERROR_MESSAGES.get(exc.code, exc.message)
    try:
        return template.format(**exc.data)
    except (KeyError, IndexError):
        return template


class ConfirmForm(forms.Form):
    """Actions without input: the page itself is the confirmation step."""


class CancelForm(forms.Form):
    restock = forms.BooleanField(required=False, initial=True, label="Put the items back in stock")
    reason = forms.CharField(required=False, max_length=255)


class ShipForm(forms.Form):
    carrier = forms.CharField(max_length=60)
    tracking_number = forms.CharField(max_length=80, required=False)


class NoteForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, label="Note")


class ResolveForm(forms.Form):
    resolution = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class RefundForm(forms.Form):
    """Full refund (leave amount and quantities empty), an amount, or lines and quantities.

    ``key`` is an idempotency key made when the form is first shown: a double submit
    becomes the same refund (it is the refund's reference id at Amazon, 32 characters).
    """

    amount = forms.DecimalField(
        required=False, min_value=Decimal("0.01"), decimal_places=2, max_digits=12
    )
    reason = forms.CharField(max_length=255)
    key = forms.CharField(widget=forms.HiddenInput, max_length=32, min_length=32)

    def __init__(self, *args, order, lines, **kwargs):
        self.order = order
        self.lines = lines
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("key", uuid.uuid4().hex)
        self.fields["amount"].help_text = f"Refundable maximum: {order.refundable_amount()}"
        for line in lines:
            remaining = line.quantity - line.refunded_quantity
            self.fields[f"line_{line.pk}"] = forms.IntegerField(
                required=False,
                min_value=0,
                max_value=remaining,
                label=f"{line.name} ({remaining} refundable)",
                initial=0,
            )

    def line_fields(self):
        return [self[f"line_{line.pk}"] for line in self.lines]

    def quantities(self) -> dict[int, int]:
        return {
            line.pk: self.cleaned_data.get(f"line_{line.pk}") or 0
            for line in self.lines
            if self.cleaned_data.get(f"line_{line.pk}")
        }

    def clean_amount(self):
        amount = self.cleaned_data.get("amount")
        if amount is not None and amount > self.order.refundable_amount():
            raise forms.ValidationError(
                f"At most {self.order.refundable_amount()} {self.order.currency} can be refunded."
            )
        return amount
