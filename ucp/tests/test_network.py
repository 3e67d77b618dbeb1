"""The outbound rules of the UCP server (``ucp.network``): a platform names the URLs the
portal fetches (its profile, its webhook), so only HTTPS to public addresses is reached,
only hosts of ``UCP_PLATFORM_HOSTS`` when it names any, loopback only in test deployments;
a profile is fetched once and then read from the cache."""

import pytest
from django.core.cache import cache
from django.test import Client

from ucp.models import CheckoutSession
from ucp.network import checked_target, host_allowed
from ucp.tests.conftest import UcpClient, roses
from webhooks.network import AddressRefused

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("https://10.0.0.7/profile.json", "non-public addresses (10.0.0.7)"),
        ("https://169.254.169.254/latest/meta-data", "non-public addresses (169.254.169.254)"),
        ("https://[::ffff:192.168.1.1]/p", "non-public addresses (::ffff:c0a8:101)"),
        ("https://127.0.0.1:8443/p", "non-public addresses (127.0.0.1)"),
        ("https://[::1]/p", "non-public addresses (::1)"),
        ("http://8.8.8.8/p", "Only https:// URLs are fetched."),
        ("ftp://8.8.8.8/p", "Only https:// URLs are fetched."),
        ("https://user:pw@8.8.8.8/p", "User names and passwords are not allowed"),
        ("https:///p", "The URL has no host name."),
    ],
)
def test_outside_test_deployments_only_https_to_public_addresses(settings, url, words):
    settings.UCP_SIMULATION_SECRET = ""
    with pytest.raises(AddressRefused) as refused:
        checked_target(url)
    assert words in str(refused.value)


def test_a_public_address_is_reached_at_the_address_checked(settings):
    settings.UCP_SIMULATION_SECRET = ""
    assert checked_target("https://8.8.8.8/profile.json") == ("8.8.8.8", 443, "8.8.8.8")


def test_the_allow_list_takes_its_hosts_and_their_subdomains_only(settings):
    settings.UCP_SIMULATION_SECRET = ""
    settings.UCP_PLATFORM_HOSTS = ["platform.example", ".agents.example"]
    assert host_allowed("platform.example") and host_allowed("ucp.PLATFORM.example")
    assert host_allowed("agents.example") and host_allowed("x.agents.example")
    assert not host_allowed("evilplatform.example")
    assert not host_allowed("platform.example.evil.example")
    with pytest.raises(AddressRefused) as refused:
        checked_target("https://8.8.8.8/profile.json")
    assert "8.8.8.8 is not on the list of platform hosts." in str(refused.value)


def test_a_profile_on_a_private_address_is_refused_before_anything_is_made(flowers, settings):
    settings.UCP_SIMULATION_SECRET = ""
    response = Client().post(
        "/ucp/flowers/checkout-sessions",
        data=roses(),
        content_type="application/json",
        headers={"UCP-Agent": 'profile="https://10.0.0.7/profile.json"'},
    )
    assert response.status_code == 400
    [message] = response.json()["messages"]
    assert message["code"] == "invalid_profile_url"
    assert message["content"] == (
        "The profile URL is refused: 10.0.0.7 resolves to non-public addresses (10.0.0.7)."
    )
    assert CheckoutSession.objects.count() == 0


def test_the_platform_profile_is_fetched_once_then_read_from_the_cache(flowers, platform):
    agent = UcpClient(platform, flowers.slug)
    for _ in range(3):
        assert agent.post("/checkout-sessions", roses()).status_code == 201
    assert platform.profile_fetches == 1
    cache.clear()
    assert agent.post("/checkout-sessions", roses()).status_code == 201
    assert platform.profile_fetches == 2
