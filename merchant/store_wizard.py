"""The new-store wizard (``/admin/merchant/store/new/``, ``StoreAdmin.get_urls``): an owner
creates another store (a second brand) in three short steps, django-formtools' session
wizard: its name and languages, the invocation name (checked by Alexa's rules in each of
those languages), then money (currency, time zone, payment mode, support email). The last
step calls ``store_services.store_create``; the creator becomes the store's owner."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from formtools.wizard.views import SessionWizardView

from .invocation import invocation_name_errors
from .models import CURRENCIES, LOCALES, PaymentMode, time_zone_names
from .store_services import may_create_store, store_create

CURRENCY_OF_LOCALE = {"en-US": "USD", "en-GB": "GBP", "de-DE": "EUR"}
ZONE_OF_LOCALE = {"en-US": "America/New_York", "en-GB": "Europe/London", "de-DE": "Europe/Berlin"}


class BrandForm(forms.Form):
    name = forms.CharField(
        label="Seller of record",
        max_length=120,
        help_text="The business shoppers buy from: the skill names it in every order summary.",
    )
    enabled_locales = forms.MultipleChoiceField(
        label="Languages the skill speaks",
        choices=LOCALES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one language."},
    )
    default_locale = forms.ChoiceField(
        label="Default language", choices=LOCALES, help_text="One of the languages above."
    )

    def clean(self):
        cleaned = super().clean() or {}
        locales, default = cleaned.get("enabled_locales") or [], cleaned.get("default_locale")
        if locales and default and default not in locales:
            self.add_error("default_locale", "The default language must be one of those ticked.")
        return cleaned


class VoiceForm(forms.Form):
    invocation_name = forms.CharField(
        max_length=50,
        help_text="What shoppers say after “Alexa, open”: lower case, at least two words, "
        "best the store's name.",
    )

    def __init__(self, *args, locales: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.locales = locales

    def clean_invocation_name(self):
        name = " ".join(self.cleaned_data["invocation_name"].split())
        errors = invocation_name_errors(name, self.locales or ["en-US"])
        if errors:
            raise ValidationError(errors)
        return name


class MoneyForm(forms.Form):
    currency = forms.ChoiceField(choices=CURRENCIES)
    time_zone = forms.ChoiceField(
        help_text="The store's days in analytics start at its local midnight."
    )
    payment_mode = forms.ChoiceField(choices=PaymentMode.choices)
    amazon_pay_seller_id = forms.CharField(
        label="Amazon Pay seller id",
        max_length=40,
        required=False,
        help_text="Needed when Amazon Pay takes the payments; not for pay on delivery.",
    )
    support_email = forms.EmailField(
        help_text="How shoppers reach the store (read by the skill for refunds and cancels)."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zones = sorted(time_zone_names())
        self.fields["time_zone"].choices = [(zone, zone) for zone in zones]  # type: ignore[attr-defined]

    def clean(self):
        cleaned = super().clean() or {}
        mode = cleaned.get("payment_mode")
        if mode and mode != PaymentMode.PAY_ON_DELIVERY and not cleaned.get("amazon_pay_seller_id"):
            self.add_error(
                "amazon_pay_seller_id",
                "Amazon Pay needs your seller id: paste it, or choose pay on delivery.",
            )
        return cleaned


STEPS = [("brand", BrandForm), ("voice", VoiceForm), ("money", MoneyForm)]
TITLES = {"brand": "Name and languages", "voice": "Invocation name", "money": "Money"}


class StoreWizard(SessionWizardView):
    form_list = STEPS
    template_name = "admin/merchant/store/wizard.html"

    def dispatch(self, request, *args, **kwargs):
        if not may_create_store(request.user):
            raise PermissionDenied("Only a store's owners create another store.")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self, step=None):
        if step == "voice":
            brand = self.get_cleaned_data_for_step("brand") or {}
            return {"locales": brand.get("enabled_locales", [])}
        return {}

    def get_form_initial(self, step):
        brand = self.get_cleaned_data_for_step("brand") if step != "brand" else None
        if step == "money" and brand:
            default = brand["default_locale"]
            return {
                "currency": CURRENCY_OF_LOCALE.get(default, "USD"),
                "time_zone": ZONE_OF_LOCALE.get(default, "UTC"),
                "support_email": self.request.user.email,
            }
        if step == "brand":
            return {"enabled_locales": ["en-US"], "default_locale": "en-US"}
        return {}

    def get_context_data(self, form, **kwargs):
        context = super().get_context_data(form=form, **kwargs)
        context.update(admin.site.each_context(self.request))
        context["title"] = "Create another store"
        context["step_title"] = TITLES[self.steps.current]
        brand = self.get_cleaned_data_for_step("brand") if self.steps.current != "brand" else None
        context["locales"] = ", ".join(brand["enabled_locales"]) if brand else ""
        return context

    def render(self, form=None, **kwargs):
        response = super().render(form, **kwargs)
        if form is not None and form.is_bound and form.errors:
            response.status_code = 400
        return response

    def done(self, form_list, **kwargs):
        data: dict[str, Any] = {}
        for form in form_list:
            data.update(form.cleaned_data)
        try:
            store = store_create(actor=self.request.user, **data)
        except ValidationError as exc:
            # A rule the steps did not see (another request took the name meanwhile...).
            form = self.get_form(step="money", data=self.storage.get_step_data("money"))
            form.is_valid()
            for message in exc.messages:
                form.add_error(None, message)
            return self.render(form)
        messages.success(
            self.request,
            f"{store.name} is created and you are its owner. Next: add its categories and "
            "products, then open its launch checklist.",
        )
        return redirect(reverse("admin:merchant_store_change", args=[store.pk]))
