"""The shop's account forms, each scoped to one store: sign up, log in (throttled by
django-axes per store, email and address), ask for a password reset, set a new password from
the emailed link, set the voice purchase code, an address of the address book. They check
input and call the services; the shop's views render them and redirect."""

from typing import Any

from django import forms
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from merchant.models import Store

from . import services
from .auth import LOCKOUT_SHOWN, normalize_email
from .errors import ShopperError
from .models import ShopperAccount, ShopperAddress
from .selectors import account_for_link
from .services.addresses import FIELDS as ADDRESS_FIELDS

LOGIN_REFUSED = "Enter the email and password of your account at this shop."
LOCKED_OUT = "Too many failed logins. Try again in a few minutes, or reset your password."
PASSWORDS_DIFFER = "The two passwords differ."


def _check_new_password(form: forms.Form, email: str) -> None:
    password = form.cleaned_data.get("password1")
    if password and password != form.cleaned_data.get("password2"):
        form.add_error("password2", PASSWORDS_DIFFER)
        return
    if password:
        try:
            password_validation.validate_password(password, get_user_model()(email=email))
        except ValidationError as exc:
            form.add_error("password1", exc)


class SignUpForm(forms.Form):
    name = forms.CharField(max_length=120)
    email = forms.EmailField(max_length=254)
    password1 = forms.CharField(label="Password", strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label="Password again", strip=False, widget=forms.PasswordInput)

    def __init__(self, *args: Any, store: Store, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.store = store
        self.account: ShopperAccount | None = None

    def clean_email(self) -> str:
        email = normalize_email(self.cleaned_data["email"])
        if ShopperAccount.objects.filter(store=self.store, email=email).exists():
            raise ValidationError("An account with this email already exists. Log in instead.")
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _check_new_password(self, cleaned.get("email", ""))
        return cleaned

    def save(self) -> ShopperAccount | None:
        """The new account; None (and the form shows why) when the same email signed up at
        this store a moment ago."""
        try:
            self.account = services.account_sign_up(
                store=self.store,
                email=self.cleaned_data["email"],
                password=self.cleaned_data["password1"],
                name=self.cleaned_data["name"],
            )
        except ShopperError as exc:
            self.add_error("email", exc.message)
            return None
        return self.account


class LoginForm(forms.Form):
    """``authenticate(request, store=..., email=..., password=...)``: only an account of this
    store gets in; failures count towards django-axes' lockout of (store, email, address)."""

    email = forms.EmailField(max_length=254)
    password = forms.CharField(strip=False, widget=forms.PasswordInput)

    def __init__(self, *args: Any, request: HttpRequest, store: Store, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        self.store = store
        self.user: AbstractBaseUser | None = None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        email, password = cleaned.get("email"), cleaned.get("password")
        if email and password is not None:
            self.user = authenticate(
                self.request, store=self.store, email=normalize_email(email), password=password
            )
            if getattr(self.request, "axes_locked_out", False):
                self.user = None
                setattr(self.request, LOCKOUT_SHOWN, True)  # the shop's page says it
                raise ValidationError(LOCKED_OUT, code="locked_out")
            if self.user is None:
                raise ValidationError(LOGIN_REFUSED, code="invalid_login")
        return cleaned

    def get_user(self) -> AbstractBaseUser | None:
        return self.user


class PasswordResetForm(forms.Form):
    email = forms.EmailField(max_length=254)

    def __init__(self, *args: Any, store: Store, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.store = store

    def save(self) -> None:
        """Sends the link when the email has an account here; says nothing either way."""
        services.account_password_reset_start(store=self.store, email=self.cleaned_data["email"])


class SetPasswordForm(forms.Form):
    """The new password, from the emailed link (``uidb64``, ``token``) of this store."""

    password1 = forms.CharField(label="New password", strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label="New password again", strip=False, widget=forms.PasswordInput)

    def __init__(self, *args: Any, store: Store, uidb64: str, token: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.store, self.uidb64, self.token = store, uidb64, token
        self.account = account_for_link(
            store=store, uidb64=uidb64, token=token, kind="password_reset"
        )

    @property
    def link_is_valid(self) -> bool:
        return self.account is not None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.account is None:
            raise ValidationError("This link is not valid any more. Ask for a new one.")
        _check_new_password(self, self.account.email)
        return cleaned

    def save(self) -> ShopperAccount:
        return services.account_password_reset_finish(
            store=self.store,
            uidb64=self.uidb64,
            token=self.token,
            password=self.cleaned_data["password1"],
        )


class VoiceCodeForm(forms.Form):
    code = forms.RegexField(
        regex=r"^[0-9]{4}$",
        label="Voice purchase code",
        error_messages={"invalid": "Four digits, please."},
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    code_again = forms.CharField(
        label="The code again",
        widget=forms.PasswordInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, account: ShopperAccount, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("code") and cleaned.get("code") != cleaned.get("code_again"):
            self.add_error("code_again", "The two codes differ.")
        return cleaned

    def save(self) -> ShopperAccount:
        return services.voice_code_set(account=self.account, code=self.cleaned_data["code"])


class AddressForm(forms.ModelForm):
    """An address of the account's book; ``save`` adds it or updates ``instance`` through
    the services (scoped to the account)."""

    make_default = forms.BooleanField(required=False, label="Use as my default address")

    class Meta:
        model = ShopperAddress
        fields = list(ADDRESS_FIELDS)

    def __init__(self, *args: Any, account: ShopperAccount, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.account = account

    def save(self, commit: bool = True) -> ShopperAddress:
        fields = {name: self.cleaned_data[name] for name in ADDRESS_FIELDS}
        if self.instance.pk is None:
            return services.address_add(
                account=self.account, is_default=self.cleaned_data["make_default"], **fields
            )
        address = services.address_update(account=self.account, address=self.instance, **fields)
        if self.cleaned_data["make_default"]:
            address = services.address_set_default(account=self.account, address=address)
        return address
