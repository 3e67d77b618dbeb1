"""Signing up, confirming the email from the link sent, signing in and out, resetting the
password: one store at a time (the same email at two stores is two accounts), and staff
logins are not shopper logins."""

import re

import pytest
from django.core import mail

from merchant.tests.factories import MembershipFactory, StoreFactory
from shoppers.models import ShopperAccount

from .helpers import PASSWORD, make_shopper, signed_in, url

pytestmark = pytest.mark.django_db

SIGN_UP = {
    "name": "Ada Park",
    "email": "Ada@Example.com",
    "password1": PASSWORD,
    "password2": PASSWORD,
}


@pytest.fixture
def store():
    return StoreFactory(name="No Nicks")


def link_in(message, store, name: str) -> str:
    pattern = {
        "verify": rf"/shop/{store.slug}/verify/[^/\s]+/[^/\s]+/",
        "reset": rf"/shop/{store.slug}/password-reset/[^/\s]+/[^/\s]+/",
    }[name]
    found = re.search(pattern, message.body)
    assert found, message.body
    return found.group(0)


def test_sign_up_then_verify_by_the_emailed_link(client, store, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("signup", store), SIGN_UP)

    assert response.status_code == 200
    assert "We sent a link to ada@example.com." in response.content.decode()
    account = ShopperAccount.objects.get(store=store)
    assert (account.email, account.name, account.email_verified_at) == (
        "ada@example.com",
        "Ada Park",
        None,
    )
    assert client.get(url("account", store)).status_code == 200  # signed in
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]

    verified = client.get(link_in(mail.outbox[0], store, "verify"))

    assert verified.status_code == 200
    assert "Thank you: ada@example.com is confirmed." in verified.content.decode()
    account.refresh_from_db()
    assert account.email_verified_at is not None


def test_a_bad_link_says_so(client, store):
    make_shopper(store, verified=False)
    response = client.get(url("verify_email", store, "MQ", "nope-nope"))
    assert response.status_code == 400
    assert "This link is not valid any more. Ask for a new one." in response.content.decode()
    assert ShopperAccount.objects.get().email_verified_at is None


def test_the_link_of_one_store_does_not_verify_at_another(
    client, store, django_capture_on_commit_callbacks
):
    other = StoreFactory()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("signup", store), SIGN_UP)
    link = link_in(mail.outbox[0], store, "verify").replace(
        f"/shop/{store.slug}/", f"/shop/{other.slug}/"
    )
    assert client.get(link).status_code == 400
    assert ShopperAccount.objects.get().email_verified_at is None


def test_sign_up_mistakes_in_words(client, store):
    make_shopper(store, email="ada@example.com")
    taken = client.post(url("signup", store), SIGN_UP)
    assert taken.status_code == 400
    assert "An account with this email already exists. Log in instead." in taken.content.decode()
    assert ShopperAccount.objects.count() == 1


def test_the_same_email_at_two_stores_is_two_accounts(store):
    other = StoreFactory()
    here = make_shopper(store, email="ada@example.com")
    there = make_shopper(other, email="ada@example.com")
    assert here.customer_id != there.customer_id and here.user_id != there.user_id
    # Signed in here is nobody there.
    client = signed_in(here)
    assert client.get(url("account", other))["Location"].startswith(url("login", other))


def test_login_and_logout(client, store):
    make_shopper(store)
    wrong = client.post(url("login", store), {"email": "ada@example.com", "password": "nope"})
    assert wrong.status_code == 400
    assert "Enter the email and password of your account at this shop." in wrong.content.decode()

    right = client.post(
        url("login", store),
        {"email": "ADA@example.com", "password": PASSWORD, "next": url("cart", store)},
    )
    assert right.status_code == 302 and right["Location"] == url("cart", store)
    assert client.get(url("account", store)).status_code == 200

    assert client.get(url("logout", store)).status_code == 405  # a POST only
    client.post(url("logout", store))
    assert client.get(url("account", store)).status_code == 302


def test_login_never_leaves_for_another_site(client, store):
    make_shopper(store)
    response = client.post(
        url("login", store),
        {"email": "ada@example.com", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == url("home", store)


def test_an_account_of_another_store_cannot_sign_in_here(client, store):
    make_shopper(StoreFactory(), email="ada@example.com")
    response = client.post(url("login", store), {"email": "ada@example.com", "password": PASSWORD})
    assert response.status_code == 400
    assert client.get(url("account", store)).status_code == 302


def test_a_staff_login_is_not_a_shopper_login(client, store):
    staff = MembershipFactory(
        store=store, user__username="owner@example.com", user__password=PASSWORD
    ).user
    response = client.post(
        url("login", store), {"email": "owner@example.com", "password": PASSWORD}
    )
    assert response.status_code == 400
    client.force_login(staff)
    assert client.get(url("account", store))["Location"].startswith(url("login", store))


def test_password_reset_by_the_emailed_link(client, store, django_capture_on_commit_callbacks):
    make_shopper(store)
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url("password_reset", store), {"email": "ada@example.com"})
    assert "a link to choose a new password is on its way" in sent.content.decode()
    link = link_in(mail.outbox[-1], store, "reset")

    page = client.get(link, follow=True)
    assert page.status_code == 200
    new = "a-new-one-77-shave"
    done = client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"password1": new, "password2": new},
    )
    assert done.status_code == 302 and done["Location"] == url("login", store)
    login = client.post(url("login", store), {"email": "ada@example.com", "password": new})
    assert login.status_code == 302


def test_password_reset_for_an_unknown_email_says_the_same(client, store):
    response = client.post(url("password_reset", store), {"email": "nobody@example.com"})
    assert "a link to choose a new password is on its way" in response.content.decode()
    assert mail.outbox == []


def test_logins_are_throttled_per_store_and_email(client, store, settings):
    make_shopper(store)
    other = StoreFactory()
    make_shopper(other, email="ada@example.com")
    wrong = {"email": "ada@example.com", "password": "not-it"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url("login", store), wrong)

    locked = client.post(url("login", store), {"email": "ada@example.com", "password": PASSWORD})

    # The shop's own login page, in the store's look, says so in words (not the portal's page).
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Too many failed logins. Try again in a few minutes, or reset your password." in page
    assert store.name in page and "Login locked" not in page
    assert client.get(url("account", store)).status_code == 302
    # The same email at another store is another account, not locked.
    there = client.post(url("login", other), {"email": "ada@example.com", "password": PASSWORD})
    assert there.status_code == 302


def test_send_the_verification_link_again(store, django_capture_on_commit_callbacks):
    account = make_shopper(store, verified=False)
    client = signed_in(account)
    assert "Your email is not confirmed yet" in client.get(url("account", store)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("resend_verification", store), follow=True)
    assert "A new link is on its way to ada@example.com." in response.content.decode()
    assert [m.to for m in mail.outbox] == [["ada@example.com"]]
    client.get(link_in(mail.outbox[0], store, "verify"))
    account.refresh_from_db()
    assert account.is_verified
    assert (
        "Your email is not confirmed yet" not in client.get(url("account", store)).content.decode()
    )


def test_signing_in_from_a_page_comes_back_to_it(client, store):
    make_shopper(store)
    product_page = url("search", store) + "?q=razor"
    link = re.search(
        r'href="([^"]*/login/[^"]*)">Sign in', client.get(product_page).content.decode()
    )
    assert (
        link.group(1) == url("login", store) + "?next=/shop/" + store.slug + "/search/%3Fq%3Drazor"
    )
    login_page = client.get(link.group(1).replace("&amp;", "&"))
    response = client.post(
        link.group(1),
        {"email": "ada@example.com", "password": PASSWORD, "next": login_page.context["next"]},
    )
    assert response["Location"] == product_page
