"""The Agents page's form: a platform's name and its identity-linking redirect URIs (checked
by ``linking.services.platform_client_register``)."""

from typing import Any

from django import forms


class PlatformClientForm(forms.Form):
    name = forms.CharField(
        label="Platform",
        max_length=100,
        help_text="As you name it, e.g. Alexa+.",
        error_messages={
            "required": "Name the platform, for example Alexa+.",
            "max_length": "A platform's name is at most 100 characters.",
        },
    )
    redirect_uris = forms.CharField(
        label="Redirect URIs",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The platform's account-linking callbacks, one a line. Optional.",
    )

    def clean_redirect_uris(self) -> list[str]:
        value: Any = self.cleaned_data.get("redirect_uris") or ""
        return [line.strip() for line in str(value).splitlines() if line.strip()]
