"""The store's Stripe settings (owners: the settings area): the keys are write-only, kept
encrypted and never shown again; the saved cards are listed for support (no card data but
brand, last 4 and expiry exists here)."""

from django import forms
from django.contrib import admin

from merchant.admin_scoping import StoreScopedAdmin
from merchant.models import Area

from .models import SavedCard, StripeSettings

KEEP = "Set. Leave empty to keep it, or type a new one to replace it."


class StripeSettingsForm(forms.ModelForm):
    # Write-only: the saved values never go back to the browser (render_value=False); an
    # empty field keeps them, "forget" removes them (the environment's keys apply then).
    secret_key = forms.CharField(
        label="Secret key",
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    forget_secret_key = forms.BooleanField(label="Forget the saved secret key", required=False)
    webhook_secret = forms.CharField(
        label="Webhook signing secret",
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )
    forget_webhook_secret = forms.BooleanField(
        label="Forget the saved webhook secret", required=False
    )

    class Meta:
        model = StripeSettings
        fields = ["store", "publishable_key", "capture"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        saved = self.instance.pk is not None
        self.fields["secret_key"].help_text = (
            KEEP
            if saved and self.instance.secret_key_encrypted
            else "Not set: the environment's STRIPE_SECRET_KEY applies (sk_live_… or sk_test_…)."
        )
        self.fields["webhook_secret"].help_text = (
            KEEP
            if saved and self.instance.webhook_secret_encrypted
            else "Not set: STRIPE_WEBHOOK_SECRET applies (whsec_…). The endpoint is "
            "/stripe/webhook/<store-slug>/."
        )

    def clean_secret_key(self) -> str:
        value = self.cleaned_data.get("secret_key", "")
        if value and not value.startswith(("sk_", "rk_")):
            raise forms.ValidationError("A Stripe secret key starts with sk_ (or rk_).")
        return value

    def clean_publishable_key(self) -> str:
        value = self.cleaned_data.get("publishable_key", "")
        if value and not value.startswith("pk_"):
            raise forms.ValidationError("A Stripe publishable key starts with pk_.")
        return value

    def save(self, commit=True):
        if self.cleaned_data.get("secret_key"):
            self.instance.set_secret_key(self.cleaned_data["secret_key"])
        elif self.cleaned_data.get("forget_secret_key"):
            self.instance.set_secret_key("")
        if self.cleaned_data.get("webhook_secret"):
            self.instance.set_webhook_secret(self.cleaned_data["webhook_secret"])
        elif self.cleaned_data.get("forget_webhook_secret"):
            self.instance.set_webhook_secret("")
        return super().save(commit=commit)


@admin.register(StripeSettings)
class StripeSettingsAdmin(StoreScopedAdmin):
    area = Area.SETTINGS
    form = StripeSettingsForm
    list_display = ["store", "capture", "has_own_keys", "updated_at"]
    fields = [
        "store",
        "publishable_key",
        "secret_key",
        "forget_secret_key",
        "webhook_secret",
        "forget_webhook_secret",
        "capture",
    ]

    @admin.display(boolean=True, description="own keys")
    def has_own_keys(self, obj: StripeSettings) -> bool:
        return bool(obj.secret_key_encrypted)


@admin.register(SavedCard)
class SavedCardAdmin(StoreScopedAdmin):
    area = Area.ORDERS
    list_display = ["__str__", "customer", "store", "exp_month", "exp_year", "is_default"]
    list_filter = ["store"]
    search_fields = ["last4", "customer__name", "customer__email"]
    readonly_fields = [
        "store",
        "customer",
        "stripe_payment_method_id",
        "brand",
        "last4",
        "exp_month",
        "exp_year",
        "is_default",
        "created_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False  # cards are saved by shoppers, through Stripe

    def has_change_permission(self, request, obj=None) -> bool:
        return False
