"""The transcripts page's forms: the filters (query parameters), the review mark and the
certification case. Each says what is wrong in words."""

from datetime import timedelta

from django import forms

from merchant.models import LOCALES

from .. import periods
from .selectors import SessionFilter

DEFAULT_DAYS = 30
LONGEST_DAYS = 366
SHOW = [
    ("errors", "Errors"),
    ("declined", "Declined payments"),
    ("purchases", "Purchases"),
    ("unmatched", "Not understood"),
    ("review", "Needs review"),
]
CHANNEL_CHOICES = [("voice", "Alexa"), ("console", "Voice test console"), ("all", "Every channel")]


class SessionFilterForm(forms.Form):
    start = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    locale = forms.ChoiceField(choices=[("", "Every locale"), *LOCALES], required=False)
    channel = forms.ChoiceField(choices=CHANNEL_CHOICES, required=False, initial="voice")
    q = forms.CharField(
        required=False,
        max_length=120,
        label="Order number or customer",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "100110 or a name"}),
    )
    words = forms.CharField(required=False, max_length=300, label="Words not understood")
    show = forms.MultipleChoiceField(
        choices=SHOW, required=False, label="Only", widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, store, now=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.store, self.now = store, now

    def clean(self):
        super().clean()
        data = self.cleaned_data
        today = periods.store_today(self.store, self.now)
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=DEFAULT_DAYS - 1)
        if end > today:
            raise forms.ValidationError(
                f"The last day is in the future: the store's today is {today.isoformat()}."
            )
        if end < start:
            raise forms.ValidationError("The last day is before the first day.")
        if (end - start).days + 1 > LONGEST_DAYS:
            raise forms.ValidationError(f"A range covers at most {LONGEST_DAYS} days.")
        data["first"], data["last"] = start, end
        return data

    def filters(self) -> SessionFilter:
        data = self.cleaned_data
        begin, stop = periods.span(self.store, data["first"], data["last"])
        channel = data.get("channel") or "voice"
        return SessionFilter(
            start=begin,
            stop=stop,
            locale=data.get("locale") or "",
            channel="" if channel == "all" else channel,
            words=data.get("words") or "",
            search=data.get("q") or "",
            flags=list(data.get("show") or []),
        )

    @classmethod
    def default(cls, *, store, now=None) -> "SessionFilterForm":
        form = cls({}, store=store, now=now)
        form.is_valid()
        return form


class ReviewForm(forms.Form):
    needs_review = forms.BooleanField(required=False, label="Needs review")
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), label="Note"
    )


class CertificationCaseForm(forms.Form):
    title = forms.CharField(
        max_length=120,
        required=False,
        label="Case title",
        help_text="How the launch checklist names the case (the session's date if left blank).",
    )
