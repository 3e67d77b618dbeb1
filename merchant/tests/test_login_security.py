"""Login throttling (django-axes) and two-factor authentication (django-two-factor-auth)
for the staff who can move money or change a store."""

from binascii import unhexlify

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"  # merchant.tests.factories.UserFactory
LOGIN = "/admin/login/"


def password_step(client, username, password, ip="10.0.0.1"):
    return client.post(
        LOGIN,
        {"portal_login_view-current_step": "auth", "username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def token_step(client, token, ip="10.0.0.1"):
    return client.post(
        LOGIN,
        {"portal_login_view-current_step": "token", "token-otp_token": token},
        REMOTE_ADDR=ip,
    )


def code_of(device):
    return f"{totp(unhexlify(device.key)):06d}"


# --- Login throttling --------------------------------------------------------------------------


def test_five_failures_lock_the_user_out_from_that_address_even_with_the_right_password(client):
    editor = MembershipFactory(role=Role.CATALOG_EDITOR).user
    for _ in range(4):
        response = password_step(client, editor.username, "wrong")
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.content.decode()
    locked = password_step(client, editor.username, "wrong")
    assert locked.status_code == 429
    assert "Too many failed login attempts" in locked.content.decode()

    right = password_step(client, editor.username, PASSWORD)
    assert right.status_code == 429
    assert "Logging in is locked for 15 minutes, even with the right" in right.content.decode()
    assert SESSION_KEY not in client.session


def test_another_user_from_the_same_address_is_not_locked(client):
    editor = MembershipFactory(role=Role.CATALOG_EDITOR).user
    other = MembershipFactory(role=Role.CATALOG_EDITOR).user
    for _ in range(5):
        password_step(client, editor.username, "wrong")

    response = password_step(client, other.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.session[SESSION_KEY] == str(other.pk)


def test_the_locked_user_may_log_in_from_another_address(client):
    editor = MembershipFactory(role=Role.CATALOG_EDITOR).user
    for _ in range(5):
        password_step(client, editor.username, "wrong", ip="10.0.0.1")
    response = password_step(client, editor.username, PASSWORD, ip="10.0.0.2")
    assert response.status_code == 302
    assert client.session[SESSION_KEY] == str(editor.pk)


def test_test_client_logins_still_work_with_throttling_on(client, settings):
    assert settings.AXES_ENABLED is True
    editor = MembershipFactory(role=Role.CATALOG_EDITOR).user
    assert client.login(username=editor.username, password=PASSWORD) is True


# --- Two-factor authentication -----------------------------------------------------------------

GUARDED = ["/admin/", "/support/", "/console/", "/api/orders/"]


@override_settings(STAFF_REQUIRE_2FA=True)
def test_an_owner_without_a_device_is_sent_to_enrolment_and_kept_out_until_enrolled(client):
    owner = MembershipFactory(role=Role.OWNER).user
    response = password_step(client, owner.username, PASSWORD)
    assert response.status_code == 302
    for url in GUARDED:
        refused = client.get(url)
        if url.startswith("/api/"):
            assert refused.status_code == 403
            assert refused.json() == {"detail": "Set up two-factor authentication first."}
        else:
            assert refused.status_code == 302
            assert refused["Location"].startswith("/account/two_factor/setup/?next=")
    assert not TOTPDevice.objects.filter(user=owner).exists()

    setup = reverse("two_factor:setup")
    assert client.get(setup).status_code == 200
    page = client.post(setup, {"setup_view-current_step": "welcome"})
    assert page.context["wizard"]["steps"].current == "generator"
    key = page.context["wizard"]["form"].key  # the hex key behind the QR code
    done = client.post(
        setup,
        {"setup_view-current_step": "generator", "generator-token": f"{totp(unhexlify(key)):06d}"},
    )
    assert done.status_code == 302
    device = TOTPDevice.objects.get(user=owner)
    assert device.confirmed is True
    for url in GUARDED:
        assert client.get(url).status_code == 200, url


@override_settings(STAFF_REQUIRE_2FA=True)
def test_an_enrolled_owner_logs_in_with_the_code_and_not_without(client):
    owner = MembershipFactory(role=Role.OWNER).user
    device = TOTPDevice.objects.create(user=owner, name="default", confirmed=True)

    asked = password_step(client, owner.username, PASSWORD)
    assert asked.status_code == 200
    assert "Enter the 6-digit code" in asked.content.decode()
    assert SESSION_KEY not in client.session  # the password alone logs nobody in

    wrong = token_step(client, "000000" if code_of(device) != "000000" else "111111")
    assert wrong.status_code == 200
    assert SESSION_KEY not in client.session
    device.refresh_from_db()
    device.throttle_reset()  # django_otp delays the next try after a wrong code

    right = token_step(client, code_of(device))
    assert right.status_code == 302 and right["Location"] == "/admin/"
    assert client.session[SESSION_KEY] == str(owner.pk)
    assert client.get("/admin/").status_code == 200
    assert client.get("/support/").status_code == 200


@override_settings(STAFF_REQUIRE_2FA=True)
def test_a_password_only_session_of_an_enrolled_refunder_is_refused(client):
    store = StoreFactory()
    agent = MembershipFactory(store=store, role=Role.SUPPORT_AGENT, can_refund=True).user
    TOTPDevice.objects.create(user=agent, name="default", confirmed=True)
    client.force_login(agent)  # no code given in this session

    response = client.get("/support/")
    assert response.status_code == 302
    assert response["Location"] == "/admin/login/?next=%2Fsupport%2F"
    api = client.get("/api/orders/")
    assert api.status_code == 403
    assert api.json() == {"detail": "Log in with your authentication code first."}


@override_settings(STAFF_REQUIRE_2FA=True)
def test_http_basic_is_refused_to_staff_who_need_a_second_factor(client):
    import base64

    owner = MembershipFactory(role=Role.OWNER).user
    auth = base64.b64encode(f"{owner.username}:{PASSWORD}".encode()).decode()
    response = client.get("/api/orders/", HTTP_AUTHORIZATION=f"Basic {auth}", REMOTE_ADDR="1.2.3.4")
    assert response.status_code in (401, 403)
    assert "two-factor" in response.json()["detail"]


@override_settings(STAFF_REQUIRE_2FA=True)
def test_a_catalog_editor_and_an_agent_without_refunds_are_not_forced(client):
    store = StoreFactory()
    editor = MembershipFactory(store=store, role=Role.CATALOG_EDITOR).user
    agent = MembershipFactory(store=store, role=Role.SUPPORT_AGENT, can_refund=False).user

    response = password_step(client, editor.username, PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
    assert not TOTPDevice.objects.exists()

    client.logout()
    password_step(client, agent.username, PASSWORD)
    assert client.get("/support/").status_code == 200


def test_with_the_setting_off_an_owner_logs_in_with_a_password(client, settings):
    settings.STAFF_REQUIRE_2FA = False
    owner = MembershipFactory(role=Role.OWNER).user
    response = password_step(client, owner.username, PASSWORD)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
