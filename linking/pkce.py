"""Whether a client must send PKCE: django-oauth-toolkit's ``PKCE_REQUIRED`` callable.

Settings import this module before the apps are loaded, so the model is looked up when the
function runs, not at import.
"""

from django.apps import apps


def pkce_required(client_id: str) -> bool:
    """The store's setting for its Alexa client; True for any other client id."""
    model = apps.get_model("linking", "StoreAlexaClient")
    required = (
        model.objects.filter(application__client_id=client_id)
        .values_list("pkce_required", flat=True)
        .first()
    )
    return True if required is None else bool(required)
