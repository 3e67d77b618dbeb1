"""The portal's one navigation (merchant/navigation.py): each role sees exactly the sections
whose pages let it in, every page's header says who is logged in and for which stores, and the
header costs one query per request."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import get_template
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from merchant.models import Area, Role, StaffMembership
from merchant.navigation import PortalNavigation, portal_links
from merchant.selectors import areas_of_user, memberships_of_user, stores_for_user
from merchant.tests.factories import MembershipFactory, StoreFactory, UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "nonicks-demo"
OWNER_LINKS = [
    "admin",
    "support",
    "transcripts",
    "console",
    "launch",
    "agents",
    "dashboard",
    "staff",
    "apikeys",
    "api",
]


def login(username, password=PASSWORD) -> Client:
    client = Client()
    assert client.login(username=username, password=password)
    return client


def header_of(html: str) -> str:
    match = re.search(r'<header class="portal-header".*?</header>', html, re.S)
    assert match, "the page has no portal header"
    return match.group(0)


@pytest.fixture
def agent_without_refund(demo_store):
    membership = MembershipFactory(
        store=demo_store, role=Role.SUPPORT_AGENT, can_refund=False, user__username="sid"
    )
    return membership.user


@pytest.fixture
def two_store_user(demo_store):
    """Catalog editor of the demo store, support agent of another."""
    other = StoreFactory(name="Bravo Blades")
    editor = MembershipFactory(store=demo_store, role=Role.CATALOG_EDITOR, user__username="tess")
    MembershipFactory(store=other, user=editor.user, role=Role.SUPPORT_AGENT)
    return editor.user


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.com", PASSWORD)


def users(demo_store, agent_without_refund, two_store_user, superuser):
    User = get_user_model()
    return {
        "owner": (User.objects.get(username="owner"), PASSWORD, OWNER_LINKS),
        "editor": (User.objects.get(username="editor"), PASSWORD, ["admin"]),
        "support": (
            User.objects.get(username="support"),
            PASSWORD,
            ["support", "transcripts", "api"],
        ),
        "sid": (agent_without_refund, "secret-pass-123", ["support", "transcripts", "api"]),
        "tess": (two_store_user, "secret-pass-123", ["admin", "support", "transcripts", "api"]),
        "root": (superuser, PASSWORD, OWNER_LINKS),
    }


@pytest.mark.parametrize("who", ["owner", "editor", "support", "sid", "tess", "root"])
def test_each_role_sees_exactly_the_sections_that_let_it_in(
    who, demo_store, agent_without_refund, two_store_user, superuser
):
    user, password, expected = users(demo_store, agent_without_refund, two_store_user, superuser)[
        who
    ]
    links = portal_links(user)
    assert [link.key for link in links] == expected

    client = login(user.get_username(), password)
    header = header_of(client.get(reverse("admin:index"), follow=True).content.decode())
    for link in links:
        response = client.get(link.url, follow=True)
        assert response.status_code == 200, (who, link.url)
        final = response.redirect_chain[-1][0] if response.redirect_chain else link.url
        assert "/login/" not in final and "/two_factor/" not in final, (who, final)
        assert f'<a href="{link.url}"' in header
    # The sections not shown are the ones that refuse this user.
    for key in set(OWNER_LINKS) - set(expected) - {"admin", "api"}:
        url = next(link.url for link in portal_links(superuser) if link.key == key)
        assert client.get(url).status_code == 403, (who, key)


def test_the_areas_behind_the_links_are_the_selectors_rules(
    demo_store, agent_without_refund, two_store_user, superuser
):
    for user, _, _ in users(demo_store, agent_without_refund, two_store_user, superuser).values():
        areas = areas_of_user(user=user, memberships=memberships_of_user(user=user))
        assert areas == {
            area for area in Area.values if stores_for_user(user=user, area=area).exists()
        }, user


def test_the_admin_home_lists_only_the_sections_a_catalog_editor_may_open(demo_store):
    html = login("editor").get(reverse("admin:index")).content.decode()
    module = re.search(r'<div class="module" id="portal-links">.*?</div>', html, re.S).group(0)
    for refused in ("Support console", "Voice test console", "REST API", "API documentation"):
        assert refused not in module
    assert 'id="dashboard-link"' not in html and 'id="staff-link"' not in html


def test_the_admin_home_of_an_owner_keeps_the_linked_ids(demo_store):
    html = login("owner").get(reverse("admin:index")).content.decode()
    module = re.search(r'<div class="module" id="portal-links">.*?</div>', html, re.S).group(0)
    for element_id in (
        "api-docs-link",
        "api-redoc-link",
        "dashboard-link",
        "staff-link",
        "api-keys-link",
    ):
        assert f'id="{element_id}"' in module
    assert ">Support console</a>" in module and ">Voice test console</a>" in module


@override_settings(DEBUG=False)
def test_every_page_says_who_and_which_store_in_the_header(demo_store):
    from orders.tests.helpers import place_order  # a test helper of an app above merchant

    order = place_order(demo_store)
    client = login("owner")
    pages = {
        "admin": reverse("admin:index"),
        "support": reverse("support:order_list"),
        "order": reverse("support:order_detail", args=[order.pk]),
        "dashboard": reverse("dashboard:index"),
        "console": reverse("console:page"),
        "launch": reverse("launch:index"),
        "agents": reverse("agents:index"),
        "404": "/no/such/page/",
    }
    for name, url in pages.items():
        response = client.get(url, follow=True)
        assert response.status_code == (404 if name == "404" else 200), name
        header = header_of(response.content.decode())
        assert '<span class="user" id="who">owner' in header, name
        assert '<span id="stores">(owner of No Nicks)</span>' in header, name
        assert 'id="logout-form"' in header, name
        active = re.findall(r'<a href="([^"]+)" aria-current="page">', header)
        assert len(active) == (0 if name == "404" else 1), (name, active)


def test_the_current_section_is_marked(demo_store):
    header = header_of(login("owner").get(reverse("support:order_list")).content.decode())
    assert '<a href="/support/" aria-current="page">Support console</a>' in header
    header = header_of(
        login("owner")
        .get(reverse("admin:merchant_store_staff_index"), follow=True)
        .content.decode()
    )
    assert '<a href="/admin/merchant/store/staff/" aria-current="page">Staff</a>' in header
    assert '<a href="/admin/">Admin</a>' in header


def test_a_user_with_two_stores_sees_both_roles(two_store_user):
    client = login("tess", "secret-pass-123")
    header = header_of(client.get(reverse("support:order_list")).content.decode())
    assert '<span id="stores">(support agent of Bravo Blades; catalog editor of No Nicks)' in header


def test_the_500_page_has_the_brand_and_a_way_back_only():
    html = get_template("500.html").render()
    header = header_of(html)
    assert '<a class="brand" href="/">Voice store portal</a>' in header
    assert '<a href="/">Back to the portal</a>' in header
    assert 'id="who"' not in header and "logout" not in header
    for element_id in ("error", "status", "way-back"):
        assert f'id="{element_id}"' in html


def test_the_header_reads_the_memberships_once_per_request(demo_store, django_assert_num_queries):
    request = RequestFactory().get(reverse("support:order_list"))
    request.user = get_user_model().objects.get(username="owner")
    navigation = PortalNavigation(request)
    with django_assert_num_queries(1):
        for _ in range(3):
            assert [link.key for link in navigation.links] == OWNER_LINKS
            assert [m.role for m in navigation.memberships] == [Role.OWNER]
            assert navigation.home == reverse("admin:index")
    assert StaffMembership.objects.filter(user=request.user).count() == 1


def test_an_agent_s_home_is_the_support_console(demo_store):
    html = login("support").get(reverse("support:order_list")).content.decode()
    assert '<a class="brand" href="/support/">Voice store portal</a>' in header_of(html)


def test_a_user_without_a_store_sees_no_section(db):
    user = UserFactory(username="nobody")
    assert portal_links(user) == []
    client = login("nobody", "secret-pass-123")
    header = header_of(client.get(reverse("admin:index")).content.decode())
    assert '<span id="stores">(no store)</span>' in header
