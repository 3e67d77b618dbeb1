"""The stores' keys are managed on the API keys page (apikeys/views.py), where each change is
audited; the library's own key model (unused) is kept out of the admin."""

from django.contrib import admin
from rest_framework_api_key.models import APIKey

if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)
