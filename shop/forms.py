"""The shop's own forms: what a page asks and how it answers a mistake, in words. They parse
input only; every change is a service of the shoppers, cards, linking or orders app. The
sign-up and password forms check passwords with Django's password validators; the store
they belong to is the page's, passed to the service.)"""

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation

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


class VoiceCodeForm(forms.Form):
    code = forms.CharField(
        label="Four-digit code",
        min_length=4,
        max_length=4,
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={
            "required": "Choose four digits.",
            "min_length": "The code has exactly four digits.",
            "max_length": "The code has exactly four digits.",
        },
    )
    repeat = forms.CharField(
        label="The same four digits again",
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        error_messages={"required": "Type the code a second time."},
    )

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"]
        if not code.isdigit():
            raise forms.ValidationError("The code is four digits, 0 to 9, nothing else.")
        return code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("code") and cleaned.get("repeat") and cleaned["code"] != cleaned["repeat"]:
            self.add_error("repeat", "The two codes differ: type the same four digits twice.")
        return cleaned


class LoginForm(forms.Form):
    email = forms.EmailField(
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Fill in your email address.",
            "invalid": "That is not an email address.",
        },
    )
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Fill in your password."},
    )


class PasswordConfirmForm(forms.Form):
    """Deleting the account asks for the password again."""

    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Type your password to confirm."},
    )


def _password_errors(password: str, user: Any = None) -> list[str]:
    try:
        password_validation.validate_password(password, user)
    except forms.ValidationError as exc:
        return list(exc.messages)
    return []


class SignUpForm(forms.Form):
    name = forms.CharField(
        label="Your name",
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Fill in your name."},
    )
    email = forms.EmailField(
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Fill in your email address.",
            "invalid": "That is not an email address.",
        },
    )
    password1 = forms.CharField(
        label="Password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Choose a password."},
    )
    password2 = forms.CharField(
        label="The same password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type the password a second time."},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords differ: type the same one twice.")
        elif first:
            probe = get_user_model()(
                email=cleaned.get("email", ""), first_name=cleaned.get("name", "")
            )
            for message in _password_errors(first, probe):
                self.add_error("password1", message)
        return cleaned


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Fill in the email of your account.",
            "invalid": "That is not an email address.",
        },
    )


class NewPasswordForm(forms.Form):
    new_password1 = forms.CharField(
        label="New password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Choose a new password."},
    )
    new_password2 = forms.CharField(
        label="The same password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Type the password a second time."},
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("new_password1"), cleaned.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", "The two passwords differ: type the same one twice.")
        elif first:
            for message in _password_errors(first, self.user):
                self.add_error("new_password1", message)
        return cleaned
