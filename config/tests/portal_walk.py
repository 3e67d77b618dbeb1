"""The portal's pages for the browser walks (``test_portal_walks_browser.py``), listed from
the URL resolver and the admin's registry rather than by hand, and who may open each.

A page is a GET address that shows HTML to a logged-in staff member. Left out: the shop, UCP,
OAuth, the sandboxes and the Alexa endpoint (shoppers', agents' and Amazon's addresses, not
the portal), the REST API and its schema (JSON), operations (``/healthz``, ``/metrics``),
the admin's helpers (autocomplete, translations, "view on site"), the logout (it would end
the walk) and addresses whose parameters no seeded row fills (a one-time link's token). What
answers a GET with 405 (a POST-only action) or with something else than HTML (a CSV, a zip,
a JSON progress report) is found out by the walk itself and left out there.

Who may open a page is the project's own word on it: for a section of the portal (support
console, conversations, dashboard, staff, API keys, ...) the navigation's rule
(``merchant.navigation.portal_links``, each the guard of the section's view); for an admin
page, the model admin's permissions; for the new-store wizard, ``may_create_store``; for the
skill package's page, the settings area. The walk checks that the page agrees: it opens, or
it answers 403 (404 where the project answers so, ``REFUSED_AS_NOT_FOUND``).
"""

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.contrib import admin
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from merchant.models import Area
from merchant.navigation import portal_links
from merchant.selectors import stores_for_user
from merchant.store_services import may_create_store

# Not the portal: shoppers', agents', Amazon's and the sandboxes' addresses.
NOT_PORTAL_NAMESPACES = {
    "shop",
    "cards",
    "ucp",
    "oauth2_provider",
    "skill",
    "isp_sandbox",
    "smapi_sandbox",
    "smapi_lwa",
}
# Not pages: the API and its schema (the docs pages are pages), operations, admin helpers.
NOT_PAGES = {
    "api-schema",
    "healthz",
    "metrics",
    "ucp-mcp-resource-metadata",
    "admin:autocomplete",
    "admin:jsi18n",
    "admin:view_on_site",
    "admin:logout",  # would end the walk
    "launch:connect_return",  # Login with Amazon's return address (an OAuth redirect)
    "two_factor:qr",  # the enrolment's QR code image
    # two_factor lets only a user who logged in with a second factor in (the others are
    # asked to log in with one); the walks' users have none.
    "two_factor:setup_complete",
    "two_factor:backup_tokens",
    "admin:",  # the admin's catch-all (its 404s)
}
API_DOCS = {"api-docs", "api-redoc"}
# Sections whose link is not their pages' guard: the admin's pages answer to the model admins,
# and the API's documentation opens for every staff member (its link is shown to those the
# API answers, merchant/tests/test_navigation.py).
UNGUARDED_SECTIONS = {"admin", "api"}
# Where the project answers a role it refuses with 404, as for a row of another store (the
# tests named pin it): the walk expects that answer there instead of 403.
REFUSED_AS_NOT_FOUND = {
    "console:skill_package",  # voicelab/tests/test_launch_checks.py
    "admin:webhooks_webhookendpoint_test",  # webhooks/tests/test_send_test.py
}
# The admin's generated pages of a registered model: taken from the registry instead.
ADMIN_MODEL_PAGE = re.compile(r"^admin:(\w+?)_(\w+)_(changelist|add|change|history|delete)$")
PARAMETER = re.compile(r"<(?:\w+:)?(\w+)>")


@dataclass(frozen=True)
class Address:
    name: str  # the URL's name, e.g. "support:order_detail"
    path: str
    may_open: bool  # the project's rule for the walking user

    @property
    def refusal(self) -> int:
        """The status the page answers a user it refuses."""
        return 404 if self.name in REFUSED_AS_NOT_FOUND else 403

    def __str__(self) -> str:
        return f"{self.path} ({self.name})"


def _routes(patterns, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """(name, route) of every URL pattern, namespaces joined with ":"."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(filter(None, [namespace, entry.namespace or ""]))
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name is not None:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, prefix + str(entry.pattern)


def _is_portal_page(name: str) -> bool:
    namespace = name.split(":")[0] if ":" in name else ""
    if namespace in NOT_PORTAL_NAMESPACES or name in NOT_PAGES:
        return False
    if name.startswith("api-") and name not in API_DOCS:
        return False
    return name != "admin:app_list" and not ADMIN_MODEL_PAGE.match(name)


def _literally(value: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: value


def _fill(name: str, route: str, params: dict[str, list[str]]) -> list[str]:
    """Every path of ``route`` with its parameters filled from ``params`` (keyed
    "url-name.parameter", else "parameter"); none when one of them has no value."""
    if "(?P" in route or route.startswith("^"):
        return []  # a regular expression: the admin's app index and the API's formats
    names = PARAMETER.findall(route)
    choices = [params.get(f"{name}.{param}", params.get(param, [])) for param in names]
    paths = []
    for values in itertools.product(*choices):
        path = route
        for value in values:
            path = PARAMETER.sub(_literally(value), path, count=1)
        paths.append("/" + path)
    return paths


def _request_of(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _section_rule(user) -> Callable[[str], bool | None]:
    """For a URL name: may ``user`` open the portal section it belongs to (``None`` when it
    belongs to none but the admin, whose pages answer to the model admins)."""
    allowed = {link.key for link in portal_links(user)}

    def rule(name: str) -> bool | None:
        every_section = portal_links(user, areas=set(Area.values), view_name=name)
        active = [link.key for link in every_section if link.active]
        if not active or active[0] in UNGUARDED_SECTIONS:
            return None
        return active[0] in allowed

    return rule


def _model_admin_of(name: str):
    """The model admin whose ``get_urls`` named ``name`` ("admin:catalog_product_import")."""
    for model, model_admin in admin.site._registry.items():
        if name.startswith(f"admin:{model._meta.app_label}_{model._meta.model_name}_"):
            return model_admin
    return None


def _may_open_by_its_own_rule(user, name: str) -> bool:
    if name == "admin:merchant_store_wizard":
        return may_create_store(user)
    if name == "console:skill_package":  # a page of the store's settings in the admin
        return stores_for_user(user=user, area=Area.SETTINGS).exists()
    model_admin = _model_admin_of(name)
    if model_admin is None:  # the admin's home, the password change: every staff member
        return True
    request = _request_of(user)
    for suffix, permission in (
        ("_import", "has_import_permission"),
        ("_export", "has_export_permission"),
    ):
        if name.endswith(suffix) and hasattr(model_admin, permission):
            return getattr(model_admin, permission)(request)
    return model_admin.has_change_permission(request)


def resolver_pages(user, params: dict[str, list[str]]) -> list[Address]:
    """The portal's pages from the URL resolver (the admin's model pages excepted)."""
    section = _section_rule(user)
    pages = []
    for name, route in _routes(get_resolver().url_patterns):
        if not _is_portal_page(name):
            continue
        rule = section(name)
        for path in _fill(name, route, params):
            if rule is not None:
                may_open = rule
            elif name.startswith("admin:") or name in REFUSED_AS_NOT_FOUND:
                may_open = _may_open_by_its_own_rule(user, name)
            else:
                may_open = True  # the staff member's own account pages, the login page
            pages.append(Address(name, path, may_open))
    return pages


def admin_pages(user) -> list[Address]:
    """From the admin's registry: each app's index the user may open, each model's list and
    add page, and the change page of the first row the user sees (of any row when the user
    may not see the model: it must answer 403)."""
    request = _request_of(user)
    pages = []
    app_labels = []
    for model, model_admin in admin.site._registry.items():
        meta = model._meta
        base = f"/admin/{meta.app_label}/{meta.model_name}/"
        label = f"admin:{meta.app_label}_{meta.model_name}"
        may_view = model_admin.has_view_or_change_permission(request)
        if model_admin.has_module_permission(request) and meta.app_label not in app_labels:
            app_labels.append(meta.app_label)
        pages.append(Address(f"{label}_changelist", base, may_view))
        pages.append(
            Address(f"{label}_add", base + "add/", model_admin.has_add_permission(request))
        )
        rows = model_admin.get_queryset(request) if may_view else model._default_manager.all()
        obj = rows.order_by("pk").first()
        if obj is not None:
            may_open = model_admin.has_view_or_change_permission(request, obj)
            pages.append(Address(f"{label}_change", f"{base}{obj.pk}/change/", may_open))
    # An app index the user has no model of answers 404 (Django's rule): not a page for them.
    pages += [Address("admin:app_list", f"/admin/{label}/", True) for label in app_labels]
    return pages


def portal_pages(user, params: dict[str, list[str]]) -> list[Address]:
    seen: set[str] = set()
    pages = []
    for page in resolver_pages(user, params) + admin_pages(user):
        if page.path not in seen:
            seen.add(page.path)
            pages.append(page)
    return pages
