"""The dashboard's forms: the range (query parameters), adding an unmatched word as a
synonym, and ending an upsell experiment. Each says what is wrong in words."""

from typing import cast

from django import forms

from catalog.models import Product
from isp.models import Arm
from merchant.models import LOCALES

from .. import periods
from . import ranges


class RangeForm(forms.Form):
    range = forms.ChoiceField(
        choices=[*ranges.CHOICES, (ranges.CUSTOM, "Custom")], required=False, initial="30"
    )
    start = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, store, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.store, self.now = store, now

    def clean(self):
        super().clean()
        data = self.cleaned_data
        key = data.get("range") or ranges.DEFAULT
        if key != ranges.CUSTOM:
            data["period"] = ranges.preset(self.store, key, now=self.now)
            return data
        start, end = data.get("start"), data.get("end")
        if start is None or end is None:
            if "start" not in self.errors and "end" not in self.errors:
                raise forms.ValidationError("A custom range needs its first and last day.")
            return data
        if end < start:
            raise forms.ValidationError("The last day is before the first day.")
        today = periods.store_today(self.store, self.now)
        if end > today:
            raise forms.ValidationError(
                f"The last day is in the future: the store's today is {today.isoformat()}."
            )
        longest = ranges.longest_days()
        if (end - start).days + 1 > longest:
            raise forms.ValidationError(f"A range covers at most {longest} days.")
        data["period"] = ranges.custom(start, end)
        return data

    @classmethod
    def period_of(cls, params, *, store, now=None):
        """(period, form): the range ``params`` name, or the default range and the form's
        errors when they name none."""
        form = cls(params, store=store, now=now)
        if form.is_valid():
            return form.cleaned_data["period"], form
        return ranges.preset(store, ranges.DEFAULT, now=now), form


class SynonymAddForm(forms.Form):
    words = forms.CharField(max_length=300, strip=True)
    locale = forms.ChoiceField(choices=[("", "every locale"), *LOCALES], required=False)
    product = forms.ModelChoiceField(
        queryset=Product.objects.none(),
        empty_label="Choose a product",
        error_messages={"required": "Choose the product these words name."},
    )

    def __init__(self, *args, store, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the store's own products: another store's id is "not one of the choices".
        product = cast("forms.ModelChoiceField[Product]", self.fields["product"])
        product.queryset = Product.objects.filter(store=store)


class ExperimentEndForm(forms.Form):
    winner = forms.ChoiceField(
        choices=Arm.choices, error_messages={"required": "Choose the winning arm."}
    )
