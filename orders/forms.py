"""Forms of the support console. The staff wording of refusals is in ``orders/errors.py``."""

import uuid
from decimal import Decimal

import django_filters
from django import forms

from .errors import error_message
from .filters import OrderFilter
from .models import OrderStatus, PaymentStatus
from .selectors import checkouts_not_completed, declined_payment_q
from .services.refunds import refund_limit_error

UNFINISHED, DECLINED = "unfinished", "declined"


class SupportOrderFilter(OrderFilter):
    """The order list's filters, plus the checkouts that never became an order.

    Carts are not orders, so the list leaves them out; "Checkouts not completed" shows them
    (in progress or abandoned), "... with a declined payment" those whose payment was
    declined, so support can help a shopper whose payment failed. Asking for the status
    "In progress (cart)" or the payment "Declined" looks at carts too (``with_carts``).
    """

    checkout = django_filters.ChoiceFilter(
        label="Checkouts",
        choices=[
            (UNFINISHED, "Checkouts not completed"),
            (DECLINED, "Checkouts with a declined payment"),
        ],
        empty_label="Orders",
        method="filter_checkout",
    )
    payment_status = django_filters.ChoiceFilter(
        choices=PaymentStatus.choices, empty_label="Any payment", method="filter_payment"
    )

    class Meta(OrderFilter.Meta):
        fields = [*OrderFilter.Meta.fields, "checkout"]

    @staticmethod
    def with_carts(params) -> bool:
        """Whether these filters need the carts the list otherwise leaves out."""
        return (
            params.get("checkout") in (UNFINISHED, DECLINED)
            or params.get("status") == OrderStatus.DRAFT
            or params.get("payment_status") == PaymentStatus.DECLINED
        )

    def filter_checkout(self, queryset, name, value):
        return checkouts_not_completed(queryset, declined=value == DECLINED)

    def filter_payment(self, queryset, name, value):
        if value == PaymentStatus.DECLINED:
            return queryset.filter(declined_payment_q())
        return queryset.filter(payment_status=value)


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

    required_css_class = "required"

    amount = forms.DecimalField(
        required=False, min_value=Decimal("0.01"), decimal_places=2, max_digits=12
    )
    # The reason goes to the timeline and, as its note, with the refund to Amazon Pay.
    reason = forms.CharField(
        max_length=255,
        label="Reason (required)",
        error_messages={"required": "Say why the money goes back."},
    )
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
            if self.order.charged_back_amount > 0:
                raise forms.ValidationError(error_message(refund_limit_error(self.order)))
            raise forms.ValidationError(
                f"At most {self.order.refundable_amount()} {self.order.currency} can be refunded."
            )
        return amount
