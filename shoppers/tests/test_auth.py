"""Who may sign in where: one email is two accounts at two stores; staff logins refuse
shoppers and the shop's login refuses staff; shopper logins are throttled per (store, email,
address)."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY, authenticate, login
from django.contrib.sessions.backends.db import SessionStore
from django.core import mail
from django.test import RequestFactory

from merchant import services as staff
from merchant.models import Role
from merchant.tests.factories import MembershipFactory, StoreFactory
from orders.models import Customer
from shoppers import forms, services
from shoppers.auth import axes_username
from shoppers.models import ShopperAccount
from shoppers.selectors import shopper_for_request

from .factories import PASSWORD, ShopperAccountFactory

pytestmark = pytest.mark.django_db

STAFF_PASSWORD = "secret-pass-123"  # merchant.tests.factories.UserFactory


def login_request(ip: str = "10.0.0.1"):
    request = RequestFactory().post("/shop/login/", REMOTE_ADDR=ip)
    request.session = SessionStore()  # axes reads the session key of the request
    return request


def shop_login(store, email: str, password: str, ip: str = "10.0.0.1"):
    request = login_request(ip)
    form = forms.LoginForm(
        data={"email": email, "password": password}, request=request, store=store
    )
    return form, form.is_valid()


def test_the_same_email_at_two_stores_is_two_independent_accounts(
    django_capture_on_commit_callbacks,
):
    first, second = StoreFactory(), StoreFactory()
    with django_capture_on_commit_callbacks(execute=False):
        a = services.account_sign_up(
            store=first, email="Ada@Example.com", password="first-store-pass", name="Ada"
        )
        b = services.account_sign_up(
            store=second, email="ada@example.com", password="second-store-pass", name="Ada L."
        )

    assert (a.email, b.email) == ("ada@example.com", "ada@example.com")
    assert a.user_id != b.user_id and a.customer_id != b.customer_id
    assert (a.customer.store_id, b.customer.store_id) == (first.pk, second.pk)
    assert a.customer.alexa_user_id.startswith("web:") and a.customer.email == "ada@example.com"
    assert a.user.username.startswith(f"shopper-{first.pk}-") and not a.user.is_staff
    assert a.user.has_usable_password()
    assert (
        authenticate(
            login_request(), store=first, email="ADA@example.com", password="first-store-pass"
        )
        == a.user
    )
    assert (
        authenticate(
            login_request(), store=second, email="ada@example.com", password="first-store-pass"
        )
        is None
    )
    assert (
        authenticate(
            login_request(), store=second, email="ada@example.com", password="second-store-pass"
        )
        == b.user
    )


def test_signing_up_twice_at_one_store_is_refused_and_changes_nothing(
    django_capture_on_commit_callbacks,
):
    store = StoreFactory()
    account = ShopperAccountFactory(store=store, email="ada@example.com")
    form = forms.SignUpForm(
        data={
            "name": "Ada",
            "email": "ADA@example.com",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
        store=store,
    )
    assert not form.is_valid()
    assert form.errors["email"] == ["An account with this email already exists. Log in instead."]
    assert list(ShopperAccount.objects.values_list("pk", flat=True)) == [account.pk]
    assert Customer.objects.filter(store=store).count() == 1


def test_sign_up_form_checks_the_password(django_capture_on_commit_callbacks):
    store = StoreFactory()
    form = forms.SignUpForm(
        data={"name": "Ada", "email": "ada@example.com", "password1": "abc", "password2": "abd"},
        store=store,
    )
    assert not form.is_valid()
    assert form.errors["password2"] == ["The two passwords differ."]
    assert not ShopperAccount.objects.exists()


def test_the_staff_login_refuses_a_shopper(client):
    account = ShopperAccountFactory()
    assert authenticate(login_request(), username=account.user.username, password=PASSWORD) is None
    response = client.post(
        "/admin/login/",
        {
            "portal_login_view-current_step": "auth",
            "username": account.user.username,
            "password": PASSWORD,
        },
        REMOTE_ADDR="10.0.0.9",
    )
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_a_shopper_session_is_not_restored_by_the_staff_backend(client):
    account = ShopperAccountFactory()
    client.force_login(account.user, backend="shoppers.auth.StaffModelBackend")
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_a_shopper_signed_in_to_the_shop_cannot_open_the_admin(client):
    account = ShopperAccountFactory()
    client.force_login(account.user, backend="shoppers.auth.ShopperBackend")
    assert client.session[SESSION_KEY] == str(account.user.pk)
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    for staff_only in ("/support/", "/console/", "/dashboard/"):
        assert client.get(staff_only).status_code == 403
    api = client.get("/api/orders/")
    assert api.status_code == 401
    assert api.json() == {"detail": "Authentication credentials were not provided."}


def test_the_shop_login_refuses_a_staff_user_and_staff_is_no_shopper():
    membership = MembershipFactory(role=Role.OWNER)
    staff = membership.user
    form, valid = shop_login(membership.store, staff.email, STAFF_PASSWORD)
    assert not valid and form.non_field_errors() == [forms.LOGIN_REFUSED]
    request = RequestFactory().get("/")
    request.user = staff
    assert shopper_for_request(request, membership.store) is None
    assert authenticate(login_request(), username=staff.username, password=STAFF_PASSWORD) == staff


def test_shopper_for_request_is_the_account_of_this_store_only():
    account = ShopperAccountFactory()
    other_store = StoreFactory()
    request = RequestFactory().get("/")
    request.user = account.user
    assert shopper_for_request(request, account.store) == account
    assert shopper_for_request(request, other_store) is None


def test_the_shop_login_lets_the_account_in():
    account = ShopperAccountFactory(email="ada@example.com")
    form, valid = shop_login(account.store, "Ada@Example.com", PASSWORD)
    assert valid and form.get_user() == account.user
    assert form.get_user().backend == "shoppers.auth.ShopperBackend"


def test_five_failures_lock_that_store_email_and_address_even_with_the_right_password():
    account = ShopperAccountFactory(email="ada@example.com")
    twin = ShopperAccountFactory(email="ada@example.com")  # the same email at another store
    for _ in range(4):
        form, valid = shop_login(account.store, "ada@example.com", "wrong")
        assert not valid and form.non_field_errors() == [forms.LOGIN_REFUSED]
    form, valid = shop_login(account.store, "ada@example.com", "wrong")
    assert not valid and form.non_field_errors() == [forms.LOCKED_OUT]
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.ip_address, attempt.failures_since_start) == (
        f"shopper:{account.store.pk}:ada@example.com",
        "10.0.0.1",
        5,
    )

    form, valid = shop_login(account.store, "ada@example.com", PASSWORD)
    assert not valid and form.non_field_errors() == [forms.LOCKED_OUT]
    # Other stores, other addresses: not locked.
    assert shop_login(twin.store, "ada@example.com", PASSWORD)[1]
    assert shop_login(account.store, "ada@example.com", PASSWORD, ip="10.0.0.2")[1]


def test_a_successful_login_clears_the_failures():
    account = ShopperAccountFactory(email="ada@example.com")
    for _ in range(3):
        shop_login(account.store, "ada@example.com", "wrong")
    request = login_request()
    form = forms.LoginForm(
        data={"email": "ada@example.com", "password": PASSWORD},
        request=request,
        store=account.store,
    )
    assert form.is_valid()
    login(request, form.get_user())  # what the shop's view does
    assert not AccessAttempt.objects.exists()


def test_the_throttle_key_of_a_staff_login_is_its_user_name():
    request = RequestFactory().post("/admin/login/", {"username": "editor"})
    assert axes_username(request, {"username": "editor"}) == "editor"
    assert axes_username(request, None) == "editor"


def test_the_verification_link_is_emailed_after_commit_and_verifies(
    django_capture_on_commit_callbacks, settings
):
    settings.ROOT_URLCONF = "shoppers.tests.urls"
    settings.PUBLIC_BASE_URL = "https://shop.example.com"
    store = StoreFactory(slug="nonicks", name="No Nicks")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        account = services.account_sign_up(
            store=store, email="ada@example.com", password="a-long-pass-phrase", name="Ada"
        )
    assert mail.outbox == []
    for callback in callbacks:
        callback()
    (message,) = mail.outbox
    assert message.to == ["ada@example.com"]
    assert message.subject == "Confirm your email for No Nicks"
    link = next(line for line in message.body.splitlines() if line.startswith("https://"))
    prefix = "https://shop.example.com/shop/nonicks/verify/"
    assert link.startswith(prefix)
    uidb64, token = link[len(prefix) :].strip("/").split("/")

    other = StoreFactory()
    with pytest.raises(services.accounts.ShopperError) as refused:
        services.account_verify_email(store=other, uidb64=uidb64, token=token)
    assert refused.value.code == "bad_link"
    with pytest.raises(services.accounts.ShopperError):
        services.account_verify_email(store=store, uidb64=uidb64, token=token[:-1] + "x")
    account.refresh_from_db()
    assert account.email_verified_at is None

    verified = services.account_verify_email(store=store, uidb64=uidb64, token=token)
    assert verified.pk == account.pk and verified.email_verified_at is not None
    again = services.account_verify_email(store=store, uidb64=uidb64, token=token)
    assert again.email_verified_at == verified.email_verified_at


def test_password_reset_link_sets_a_new_password_once(django_capture_on_commit_callbacks, settings):
    settings.ROOT_URLCONF = "shoppers.tests.urls"
    settings.PUBLIC_BASE_URL = "https://shop.example.com"
    account = ShopperAccountFactory(email="ada@example.com", store__slug="nonicks")
    store = account.store
    with django_capture_on_commit_callbacks(execute=True):
        forms_ = forms.PasswordResetForm(data={"email": "ADA@example.com"}, store=store)
        assert forms_.is_valid()
        forms_.save()
        nobody = forms.PasswordResetForm(data={"email": "nobody@example.com"}, store=store)
        assert nobody.is_valid()
        nobody.save()
    (message,) = mail.outbox
    assert message.subject == f"Reset your {store.name} password"
    link = next(line for line in message.body.splitlines() if line.startswith("https://"))
    uidb64, token = link.split("/shop/nonicks/reset/")[1].strip("/").split("/")

    elsewhere = forms.SetPasswordForm(
        data={"password1": "n3w-pass-phrase!", "password2": "n3w-pass-phrase!"},
        store=StoreFactory(),
        uidb64=uidb64,
        token=token,
    )
    assert not elsewhere.link_is_valid and not elsewhere.is_valid()

    form = forms.SetPasswordForm(
        data={"password1": "n3w-pass-phrase!", "password2": "n3w-pass-phrase!"},
        store=store,
        uidb64=uidb64,
        token=token,
    )
    assert form.is_valid(), form.errors
    form.save()
    account.refresh_from_db()
    assert account.user.check_password("n3w-pass-phrase!")
    assert account.email_verified_at is not None
    reused = forms.SetPasswordForm(
        data={"password1": "other-pass-phrase", "password2": "other-pass-phrase"},
        store=store,
        uidb64=uidb64,
        token=token,
    )
    assert not reused.is_valid()
    account.user.refresh_from_db()
    assert account.user.check_password("n3w-pass-phrase!")


def test_inviting_staff_by_a_shoppers_email_makes_a_new_staff_login(
    django_capture_on_commit_callbacks,
):
    owner = MembershipFactory(role=Role.OWNER)
    at_this_store = ShopperAccountFactory(store=owner.store, email="ada@example.com")
    ShopperAccountFactory(email="ada@example.com")  # and at another store
    with django_capture_on_commit_callbacks(execute=False):
        invitation = staff.staff_invite(
            store=owner.store,
            actor=owner.user,
            email="ada@example.com",
            role=Role.CATALOG_EDITOR,
            portal_url="https://portal.example.com/",
        )
    assert invitation.new_login
    assert invitation.membership.user_id != at_this_store.user_id
    assert invitation.membership.user.username == "ada@example.com"
    at_this_store.user.refresh_from_db()
    assert not at_this_store.user.is_staff
    assert not at_this_store.user.memberships.exists()
