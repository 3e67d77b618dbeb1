"""The publish page and its actions: owners only (a catalog editor or support agent gets 403
and nothing changes), Login with Amazon's start and its state check, the vendor choice,
disconnect (forgets and audits), a publish refused before the store is connected; and the
launch checklist's skill endpoint item, which sends a signed launch request."""

import io
import json
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.tests.factories import ProductFactory
from merchant.crypto import decrypt, encrypt
from merchant.models import PaymentMode, Role
from merchant.tests.factories import MembershipFactory, SkillIdFactory, StoreFactory
from voicelab.launch.checks import skill_endpoint
from voicelab.models import SkillPublish, SmapiAction, SmapiConnection, SmapiEvent
from voicelab.publish.client import SCOPES
from webhooks.testing.receiver import free_port


@pytest.fixture
def shop(db):
    store = StoreFactory(
        name="Corner Shop",
        invocation_name="corner shop",
        enabled_locales=["en-US"],
        payment_mode=PaymentMode.PAY_ON_DELIVERY,
        amazon_pay_seller_id="",
        sandbox_mode=True,
        skill=None,
    )
    ProductFactory(store=store, name="Soap Bar", spoken_name="soap bar")
    return store


@pytest.fixture
def owner(shop):
    return MembershipFactory(store=shop, role=Role.OWNER).user


def url(store, tail=""):
    return f"/console/launch/stores/{store.pk}/publish/{tail}"


def connect(store, vendors=({"id": "M1VENDOR", "name": "Corner Shop", "roles": []},)):
    return SmapiConnection.objects.create(
        store=store,
        refresh_token_encrypted=encrypt("Atzr|refresh"),
        sandbox=True,
        vendors=list(vendors),
        vendor_id=vendors[0]["id"] if len(vendors) == 1 else "",
    )


def state():
    return (
        SmapiConnection.objects.count(),
        SkillPublish.objects.count(),
        SmapiEvent.objects.count(),
        list(SmapiConnection.objects.values_list("refresh_token_encrypted", "vendor_id")),
    )


@pytest.mark.parametrize("role", [Role.CATALOG_EDITOR, Role.SUPPORT_AGENT])
def test_other_staff_cannot_connect_publish_or_disconnect(client, shop, role):
    connect(shop, vendors=({"id": "M1", "name": "A"}, {"id": "M2", "name": "B"}))
    staff = MembershipFactory(store=shop, role=role, can_refund=True).user
    client.force_login(staff)
    before = state()
    assert client.get(url(shop)).status_code == 403
    for tail, data in (
        ("connect/", {}),
        ("vendor/", {"vendor_id": "M2"}),
        ("start/", {"submit": "on"}),
        ("disconnect/", {}),
    ):
        assert client.post(url(shop, tail), data).status_code == 403
    assert state() == before


def test_another_stores_id_is_not_found(client, shop, owner):
    other = StoreFactory()
    client.force_login(owner)
    assert client.get(url(other)).status_code == 404
    assert client.post(url(other, "start/")).status_code == 404


def test_the_checklist_links_to_publishing(client, shop, owner):
    client.force_login(owner)
    page = client.get(f"/console/launch/stores/{shop.pk}/").content.decode()
    assert f'id="publish-link" href="/console/launch/stores/{shop.pk}/publish/"' in page
    page = client.get(url(shop)).content.decode()
    assert "Publish to Alexa: Corner Shop" in page
    assert "Connect with Amazon" in page
    assert 'id="publish-button" disabled' in page
    assert "voicelab/publish.js" in page and "<script>" not in page


def test_publishing_before_connecting_is_refused_in_words(client, shop, owner):
    client.force_login(owner)
    response = client.post(url(shop, "start/"))
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Connect the store to an Amazon developer account first."
    ]
    assert SkillPublish.objects.count() == 0


def test_connect_sends_the_owner_to_login_with_amazon_with_the_smapi_scopes(
    client, shop, owner, settings
):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    settings.LWA_CLIENT_ID = "amzn1.application-oa2-client.portal"
    client.force_login(owner)
    response = client.post(url(shop, "connect/"))
    target = urlsplit(response.url)
    assert f"{target.scheme}://{target.netloc}{target.path}" == (
        "http://127.0.0.1:8000/sandbox/lwa/ap/oa"
    )
    query = parse_qs(target.query)
    assert query["client_id"] == ["amzn1.application-oa2-client.portal"]
    assert query["scope"] == [" ".join(SCOPES)]
    assert query["response_type"] == ["code"]
    assert query["redirect_uri"] == ["http://127.0.0.1:8000/console/launch/connect/return/"]
    assert query["state"] == [client.session["smapi_connect"]["state"]]
    # An answer with another state is not this browser's sign-in: refused, nothing kept.
    answer = client.get("/console/launch/connect/return/", {"state": "forged", "code": "x"})
    assert answer.status_code == 403
    assert SmapiConnection.objects.count() == 0


def test_the_owner_chooses_a_vendor_of_the_account_only(client, shop, owner):
    connect(shop, vendors=({"id": "M1", "name": "A"}, {"id": "M2", "name": "B"}))
    client.force_login(owner)
    response = client.post(url(shop, "vendor/"), {"vendor_id": "M9"})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "That vendor is not one of the connected account's vendors."
    ]
    assert SmapiConnection.objects.get().vendor_id == ""
    client.post(url(shop, "vendor/"), {"vendor_id": "M2"})
    assert SmapiConnection.objects.get().vendor_id == "M2"
    event = SmapiEvent.objects.get()
    assert (event.action, event.actor, event.data) == (
        SmapiAction.VENDOR_CHOSEN,
        owner,
        {"vendor_id": "M2"},
    )


def test_disconnect_forgets_the_token_and_is_audited(client, shop, owner):
    connection = connect(shop)
    connection.skill_id = "amzn1.ask.skill.corner"
    connection.save()
    assert decrypt(connection.refresh_token_encrypted) == "Atzr|refresh"
    assert "Atzr" not in connection.refresh_token_encrypted  # encrypted at rest
    client.force_login(owner)
    client.post(url(shop, "disconnect/"))
    connection.refresh_from_db()
    assert (connection.refresh_token_encrypted, connection.vendors, connection.vendor_id) == (
        "",
        [],
        "",
    )
    assert connection.skill_id == "amzn1.ask.skill.corner"  # still the store's skill
    assert list(SmapiEvent.objects.values_list("action", "actor")) == [
        (SmapiAction.DISCONNECTED, owner.pk)
    ]


# The skill endpoint item of the launch checklist ----------------------------------------------


def test_the_endpoint_fails_while_a_placeholder_or_plain_http(shop, settings):
    settings.ALEXA_SKILL_ENDPOINT_URL = "https://voice-store.example.com/alexa/"
    check = skill_endpoint(shop)
    assert (check.status, check.detail) == (
        "failed",
        "https://voice-store.example.com/alexa/ is a placeholder, not this portal's address.",
    )
    assert check.link == f"/admin/merchant/store/{shop.pk}/change/#id_skill_endpoint_url"
    shop.skill_endpoint_url = "http://shop.example.org/alexa/"
    check = skill_endpoint(shop)
    assert (check.status, check.detail) == (
        "failed",
        "http://shop.example.org/alexa/ is not HTTPS: Alexa only calls HTTPS endpoints.",
    )


@pytest.mark.django_db(transaction=True)
def test_the_endpoint_is_sent_a_signed_launch_request(live_server, settings):
    store = StoreFactory(
        name="Corner Shop",
        invocation_name="corner shop",
        enabled_locales=["en-US"],
        payment_mode=PaymentMode.PAY_ON_DELIVERY,
        skill=None,
    )
    ProductFactory(store=store, spoken_name="soap bar")
    store.skill_endpoint_url = f"{live_server.url}/alexa/"
    # Verifying signatures (as in production): the portal's own signature is refused.
    settings.ALEXA_VERIFY_REQUESTS = True
    SkillIdFactory(store=store, skill_id="amzn1.ask.skill.corner")
    check = skill_endpoint(store)
    assert (check.status, check.detail) == (
        "warning",
        f"{live_server.url}/alexa/ answered, and refused a launch request not signed by "
        "Amazon, as it must. It is plain http on this machine: Alexa needs HTTPS.",
    )
    # Not verifying (development): the skill's welcome comes back.
    settings.ALEXA_VERIFY_REQUESTS = False
    check = skill_endpoint(store)
    assert check.status == "warning"
    assert check.detail.startswith(f'{live_server.url}/alexa/ answered a launch request: "')
    # A skill id the portal does not know.
    store.skill_ids.all().delete()
    check = skill_endpoint(store)
    assert (check.status, check.detail) == (
        "warning",
        f"{live_server.url}/alexa/ answers, but does not know the skill id "
        "amzn1.ask.skill.launch-check yet.",
    )


def test_the_store_may_keep_its_own_security_profile(client, shop, owner, settings):
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    settings.LWA_CLIENT_ID = "amzn1.application-oa2-client.portal"
    client.force_login(owner)
    response = client.post(url(shop, "profile/"), {"client_id": "amzn1.own", "client_secret": ""})
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Give both the client id and the client secret, or neither."
    ]
    assert not SmapiConnection.objects.exists()
    client.post(url(shop, "profile/"), {"client_id": "amzn1.own", "client_secret": "s3cret"})
    connection = SmapiConnection.objects.get()
    assert connection.client_id == "amzn1.own"
    assert decrypt(connection.client_secret_encrypted) == "s3cret"
    assert "s3cret" not in connection.client_secret_encrypted
    assert "s3cret" not in client.get(url(shop)).content.decode()  # never shown again
    target = parse_qs(urlsplit(client.post(url(shop, "connect/")).url).query)
    assert target["client_id"] == ["amzn1.own"]
    assert list(SmapiEvent.objects.values_list("action", "data")) == [
        (SmapiAction.PROFILE_SET, {"client_id": "amzn1.own"})
    ]


def test_a_package_that_cannot_be_exported_is_refused_with_its_reasons(shop):
    shop.invocation_name = "Alexa Shop"
    shop.save()
    connect(shop)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit:
        call_command("publish_skill", "--store", shop.slug, "--json", stdout=out)
    assert exit.value.code == 1
    assert json.loads(out.getvalue()) == {
        "skill_id": "",
        "stage": "development",
        "steps": [
            {
                "name": "package",
                "status": "failed",
                "detail": "The package cannot be exported: "
                'en-US: invocation name "Alexa Shop" must be lower case.; '
                'en-US: invocation name "Alexa Shop" contains "alexa", a wake word or a word '
                "Alexa reserves.",
                "answer": [
                    'en-US: invocation name "Alexa Shop" must be lower case.',
                    'en-US: invocation name "Alexa Shop" contains "alexa", a wake word or a word '
                    "Alexa reserves.",
                ],
            }
        ],
    }
    assert SkillPublish.objects.get().status == "failed"


def test_the_command_refuses_an_unconnected_store_in_words(shop):
    with pytest.raises(CommandError, match="Connect the store to an Amazon developer account"):
        call_command("publish_skill", "--store", shop.slug, "--json", stdout=io.StringIO())
    assert SkillPublish.objects.count() == 0


def test_the_progress_the_page_polls(client, shop, owner):
    publish = SkillPublish.objects.create(
        store=shop,
        status="running",
        skill_id="amzn1.ask.skill.corner",
        steps=[{"name": "package", "status": "succeeded", "detail": "Built.", "answer": None}],
    )
    other = SkillPublish.objects.create(store=StoreFactory())
    client.force_login(owner)
    assert client.get(url(shop, f"{publish.pk}/progress/")).json() == {
        "id": publish.pk,
        "status": "running",
        "status_label": "Running",
        "active": True,
        "skill_id": "amzn1.ask.skill.corner",
        "error": "",
        "steps": [
            {
                "name": "package",
                "title": "Export and validate the package",
                "status": "succeeded",
                "detail": "Built.",
            }
        ],
    }
    assert client.get(url(shop, f"{other.pk}/progress/")).status_code == 404


def test_skills_at_amazon_says_in_words_when_amazon_cannot_be_reached(
    client, shop, owner, settings
):
    port = free_port()
    settings.PUBLIC_BASE_URL = f"http://127.0.0.1:{port}"  # nothing listens there
    connect(shop)
    before = state()
    client.force_login(owner)
    response = client.get(url(shop))
    assert response.status_code == 200
    error = response.context["amazon"].error
    assert error == (
        "Amazon's list of skills could not be read: the skill list failed: "
        f"Amazon could not be reached: 127.0.0.1:{port}: ConnectionError"
    )
    assert response.context["amazon"].skills == []
    assert 'id="amazon-skills-error"' in response.content.decode()
    assert state() == before


def test_skills_at_amazon_is_not_asked_before_a_vendor_is_chosen(client, shop, owner):
    connect(
        shop,
        vendors=(
            {"id": "M1", "name": "One", "roles": []},
            {"id": "M2", "name": "Two", "roles": []},
        ),
    )
    client.force_login(owner)
    response = client.get(url(shop))
    assert response.context["amazon"] is None
    assert "Skills at Amazon" not in response.content.decode()
