"""The shop's own forms: what a page asks and how it answers a mistake, in words. They parse
input only; every change is a service of the shoppers, cards, linking or orders app. The
sign-up and password forms check passwords with Django's password validators; the store
they belong to is the page's, passed to the service.)"""

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms

MAX_QUANTITY = 99
# Where the shop delivers: ISO 3166 codes, as Amazon writes them in addresses.
SHIPPING_COUNTRIES = [
    ("US", "United States"),
    ("GB", "United Kingdom"),
    ("IE", "Ireland"),
    ("DE", "Germany"),
    ("AT", "Austria"),
    ("FR", "France"),
    ("IT", "Italy"),
    ("ES", "Spain"),
]


def page_number(query: Mapping[str, str]) -> int:
    """``?page=N`` as a number from 1 (anything else: 1)."""
    try:
        return max(1, min(int(query.get("page", "1")), 10_000))
    except ValueError:
        return 1


class AddToCartForm(forms.Form):
    quantity = forms.IntegerField(
        min_value=1,
        max_value=MAX_QUANTITY,
        initial=1,
        error_messages={
            "required": "Say how many you would like.",
            "invalid": "The quantity is a whole number, like 1 or 2.",
            "min_value": "The quantity starts at 1.",
            "max_value": f"At most {MAX_QUANTITY} at a time.",
        },
    )


class QuantityForm(forms.Form):
    """A cart line's new quantity; 0 takes the item out of the cart."""

    quantity = forms.IntegerField(
        min_value=0,
        max_value=MAX_QUANTITY,
        error_messages={
            "required": "Say how many you would like (0 removes the item).",
            "invalid": "The quantity is a whole number, like 1 or 2.",
            "min_value": "The quantity cannot be below 0.",
            "max_value": f"At most {MAX_QUANTITY} at a time.",
        },
    )


class DiscountCodeForm(forms.Form):
    """A discount code for the cart (checked by ``shoppers.cart_apply_discount_code``)."""

    code = forms.CharField(
        label="Discount code",
        max_length=40,
        strip=True,
        error_messages={
            "required": "Type the discount code.",
            "max_length": "Discount codes are at most 40 characters long.",
        },
    )


def _required(what: str) -> dict[str, str]:
    return {"required": f"Fill in the {what}."}


class AddressForm(forms.Form):
    """An address of the shopper's address book (the fields of ``address_add``)."""

    name = forms.CharField(label="Full name", max_length=120, error_messages=_required("name"))
    line1 = forms.CharField(
        label="Address line 1", max_length=180, error_messages=_required("street address")
    )
    line2 = forms.CharField(label="Address line 2 (optional)", max_length=180, required=False)
    city = forms.CharField(label="Town or city", max_length=100, error_messages=_required("town"))
    region = forms.CharField(label="State or region", max_length=100, required=False)
    postal_code = forms.CharField(
        label="Postal code", max_length=20, error_messages=_required("postal code")
    )
    country = forms.ChoiceField(
        choices=SHIPPING_COUNTRIES,
        error_messages={"invalid_choice": "Choose a country from the list."},
    )
    phone = forms.CharField(
        label="Phone (for the courier, optional)", max_length=40, required=False
    )
    is_default = forms.BooleanField(label="Deliver here unless I say otherwise", required=False)

    def clean_phone(self) -> str:
        phone = " ".join(self.cleaned_data["phone"].split())
        if phone and not all(ch.isdigit() or ch in "+-() ." for ch in phone):
            raise forms.ValidationError("A phone number has digits, spaces and + - ( ) only.")
        return phone


class CheckoutForm(forms.Form):
    """Which address to deliver to and which card pays (choices: the shopper's own)."""

    address = forms.TypedChoiceField(
        coerce=int,
        error_messages={
            "required": "Choose where to deliver, or add an address first.",
            "invalid_choice": "That address is not in your address book any more: choose one.",
        },
    )
    card = forms.TypedChoiceField(
        coerce=int,
        required=False,
        error_messages={
            "invalid_choice": "That card is not saved in your account any more: choose one.",
        },
    )

    def __init__(
        self,
        *args: Any,
        addresses: Sequence[Any],
        cards: Sequence[Any],
        card_required: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        address_field = self.fields["address"]
        card_field = self.fields["card"]
        assert isinstance(address_field, forms.TypedChoiceField)
        assert isinstance(card_field, forms.TypedChoiceField)
        address_field.choices = [(a.pk, a.pk) for a in addresses]
        card_field.choices = [("", "")] + [(c.pk, c.pk) for c in cards]
        self.card_required = card_required

    def clean_card(self) -> int | None:
        card = self.cleaned_data.get("card")
        if card in ("", None):
            if self.card_required:
                raise forms.ValidationError("Choose the card to pay with, or add a card first.")
            return None
        return int(card)


class PasswordConfirmForm(forms.Form):
    """Deleting the account asks for the password again."""

    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Type your password to confirm."},
    )
