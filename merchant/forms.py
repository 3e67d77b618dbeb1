"""Forms of the staff pages: they parse and word the errors; ``merchant.services`` decides."""

from django import forms

from .models import Role

REFUND_HELP = "Support agents only: owners always may refund, catalog editors never."


class InviteForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Write the colleague's email address.",
            "invalid": "Write the colleague's email address, e.g. name@example.com.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        choices=[("", "Choose a role"), *Role.choices],
        error_messages={
            "required": "Choose a role: owner, catalog editor or support agent.",
            "invalid_choice": "Choose a role: owner, catalog editor or support agent.",
        },
    )
    can_refund = forms.BooleanField(label="May refund", required=False, help_text=REFUND_HELP)


class MembershipForm(forms.Form):
    role = forms.ChoiceField(
        choices=Role.choices,
        error_messages={
            "required": "Choose a role: owner, catalog editor or support agent.",
            "invalid_choice": "Choose a role: owner, catalog editor or support agent.",
        },
    )
    can_refund = forms.BooleanField(label="May refund", required=False, help_text=REFUND_HELP)
