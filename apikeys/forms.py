"""The API keys page's form: it parses and words the errors; ``apikeys.services`` decides."""

from django import forms

from .models import Scope, StoreApiKey


class NewKeyForm(forms.Form):
    name = forms.CharField(
        max_length=StoreApiKey._meta.get_field("name").max_length,
        help_text="What the key is for, e.g. “Warehouse stock sync”.",
        error_messages={
            "required": "Name the key, e.g. after the tool that will use it.",
            "max_length": "A key's name has at most %(limit_value)d characters.",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    scopes = forms.MultipleChoiceField(
        choices=[(scope.value, f"{scope.value}: {scope.label}") for scope in Scope],
        widget=forms.CheckboxSelectMultiple,
        help_text="Give the key only what its tool needs.",
        error_messages={
            "required": "Choose at least one scope: what may the key do?",
            "invalid_choice": "Choose scopes from the list.",
        },
    )
