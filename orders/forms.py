"""Forms of the support console. The staff wording of refusals is in ``orders/errors.py``."""

import uuid
from decimal import Decimal

from django import forms


class ConfirmForm(forms.Form):
    """Actions without input: the page itself is the confirmation step."""


class CancelForm(forms.Form):
    restock = forms.BooleanField(required=False, initial=True, label="Put the items back in stock")
    reason = forms.CharField(required=False, max_length=255)


class ShipForm(forms.Form):
    carrier = forms.CharField(max_length=60)
    tracking_number = forms.CharField(max_length=80, required=False)
    expected_arrival = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Optional: told to the shopper in their Alexa notification.",
    )


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
