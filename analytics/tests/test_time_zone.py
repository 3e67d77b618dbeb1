"""A store's time zone: an IANA name, the portal's TIME_ZONE by default, validated; and the
command that rolls up past days."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict

from analytics.models import DailyRollup
from merchant.admin import StoreForm
from merchant.models import Store, default_time_zone
from merchant.tests.factories import StoreFactory

pytestmark = pytest.mark.django_db


def test_a_new_store_takes_the_portals_time_zone_when_it_is_a_real_one(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    assert Store(name="x").time_zone == "Europe/Berlin"
    settings.TIME_ZONE = "Not/AZone"
    assert default_time_zone() == "UTC"


def test_only_iana_names_are_accepted():
    store = StoreFactory(time_zone="America/Los_Angeles", invocation_name="corner shop")
    store.time_zone = "Pacific Time"
    with pytest.raises(ValidationError) as refused:
        store.full_clean()
    assert refused.value.message_dict["time_zone"] == [
        "Pacific Time is not an IANA time zone name; write e.g. America/Los_Angeles or "
        "Europe/Berlin."
    ]
    data = {k: v for k, v in model_to_dict(store).items() if v is not None}
    refused = StoreForm(data=data, instance=Store.objects.get(pk=store.pk))
    assert list(refused.errors) == ["time_zone"]
    data["time_zone"] = "Asia/Kathmandu"
    form = StoreForm(data=data, instance=Store.objects.get(pk=store.pk))
    assert form.is_valid(), form.errors
    form.save()
    assert Store.objects.get(pk=store.pk).time_zone == "Asia/Kathmandu"


def test_the_rollup_command_rolls_up_a_stores_past_days():
    store = StoreFactory()
    other = StoreFactory()
    out = StringIO()
    call_command("analytics_rollup", "--days", "5", "--store", store.slug, stdout=out)
    assert out.getvalue() == f"{store.slug}: 5 days rolled up\n"
    assert DailyRollup.objects.filter(store=store).count() == 5
    assert not DailyRollup.objects.filter(store=other).exists()
    with pytest.raises(CommandError, match="No store has the slug 'nowhere'"):
        call_command("analytics_rollup", "--store", "nowhere")
