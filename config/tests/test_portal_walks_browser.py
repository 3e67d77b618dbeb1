"""Every portal page, per role, in a real browser (Playwright + Debian's chromium) at a
laptop's width (1280 px) and a phone's (390 px), on the demo as ``make run`` seeds it (with
a few long values real data has: a webhook's address, Alexa's ids, a shopper's email).

The owner, the catalog editor and the support agent each log in and open every page of the
portal (listed by ``portal_walk`` from the URL resolver and the admin's registry: every
section, every admin app, list, add page and change page); a superuser opens the pages no
store role may open (users, groups, the Celery schedule, login attempts, OAuth). A page the
role may open answers below 400, logs no console error and throws nothing, and does not
scroll sideways (a table too wide for a phone scrolls in its own box, never the page); a page
the role may not open answers 403 (404 where the project pins that answer), asked once
without the browser. Then the everyday tools, at both widths: the owner makes an API key
(shown once), checks a catalog CSV in a dry run and creates another store with the wizard;
the catalog editor checks a CSV in a dry run too.

One browser, one context per role and width; a failure lists every page that failed, and
each role's walk prints what it walked (``pytest -s``)."""

import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
import tablib
from django.contrib.auth import get_user_model
from playwright.sync_api import FilePayload, Page

from catalog.csv_resource import ProductResource
from merchant.models import Store
from testing import OVERFLOWING, admin_login, record_console_errors

from .portal_walk import Address, portal_pages
from .walk_seed import seed_walk

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STORE_ROLES = ["owner", "editor", "support"]  # the demo's staff (demo/seed.py DEMO_USERS)
ROLES = [*STORE_ROLES, "root"]  # and a superuser, the platform's staff
WIDTHS = {1280: {"width": 1280, "height": 900}, 390: {"width": 390, "height": 844}}
LAYOUT = """() => ({
  scroll: document.documentElement.scrollWidth,
  client: document.documentElement.clientWidth,
  inner: window.innerWidth,
})"""


NOT_A_PAGE = '<!doctype html><title>Not a page</title><link rel="icon" href="data:,">'


@dataclass
class Walk:
    """One role's walk at one width: its browser page and what the walk met there."""

    width: int
    page: Page
    errors: list[str] = field(default_factory=list)  # the console's, as they come
    failures: list[str] = field(default_factory=list)
    walked: list[str] = field(default_factory=list)  # pages opened and checked

    def check(self, label: str, status: int, errors_before: int) -> None:
        """The page shown now: its status, its console since ``errors_before``, its width."""
        problems = []
        if status >= 400:
            problems.append(f"answered {status}")
        if urlsplit(self.page.url).path == "/admin/login/" and "login" not in label:
            problems.append("sent to the login page")
        errors = self.errors[errors_before:]
        if errors:
            problems.append(f"console: {errors}")
        layout = self.page.evaluate(LAYOUT)
        if layout["scroll"] > layout["client"] or layout["scroll"] > layout["inner"]:
            problems.append(f"scrolls sideways: {layout} {self.page.evaluate(OVERFLOWING)}")
        if problems:
            self.failures.append(f"{self.width} px {label}: {'; '.join(problems)}")
        self.walked.append(label)


@dataclass
class RoleWalk:
    walks: list[Walk]
    refused: list[str] = field(default_factory=list)  # answered 403 (or 404), as expected
    not_pages: list[str] = field(default_factory=list)  # POST-only actions, downloads, JSON
    failures: list[str] = field(default_factory=list)


def _log_in(chromium, live_server, username: str, width: int) -> Walk:
    page = chromium.new_context(viewport=WIDTHS[width]).new_page()
    page.set_default_timeout(20_000)
    walk = Walk(width, page)
    record_console_errors(page, walk.errors)
    admin_login(page, live_server, username, "nonicks-demo")
    page.wait_for_selector("#portal-header")
    return walk


def _first_answer_looked_at(first: dict):
    """A route handler: the first answer is looked at before the browser gets it; a
    POST-only action's 405, a download or a JSON answer reaches the browser as an empty page
    (chromium would show a page of its own for an error without a body, or download)."""

    def look(route):
        answer = route.fetch(max_redirects=0)
        kind = answer.headers.get("content-type", "")
        first["page"] = not (
            answer.status == 405
            or "attachment" in answer.headers.get("content-disposition", "")
            or (answer.status < 300 and not kind.startswith("text/html"))
        )
        if first["page"]:
            route.fulfill(response=answer)
        else:
            route.fulfill(status=200, content_type="text/html", body=NOT_A_PAGE)

    return look


def _open(walk: Walk, url: str, *, known_page: bool) -> tuple[int, bool]:
    """Open ``url``: the final status, and whether it is a page at all (looked at first
    unless it is ``known_page``)."""
    if known_page:
        response = walk.page.goto(url, wait_until="load")
        assert response is not None
        return response.status, True
    first: dict = {}
    look = _first_answer_looked_at(first)
    walk.page.route(url, look)
    try:
        response = walk.page.goto(url, wait_until="load")
    finally:
        walk.page.unroute(url, look)
    assert response is not None
    return response.status, first["page"]


def walk_pages(role: RoleWalk, live_server, pages: list[Address]) -> None:
    """Every page the role may open, at every width; the others are asked for without the
    browser (their 403 would be a console error), once: the answer is the server's."""
    walks = role.walks
    for entry in pages:
        url = live_server.url + entry.path
        if not entry.may_open:
            status = walks[0].page.request.get(url).status
            if status == entry.refusal:
                role.refused.append(str(entry))
            elif status == 405:
                role.not_pages.append(str(entry))
            else:
                role.failures.append(f"{entry}: {status}, not {entry.refusal}")
            continue
        for index, walk in enumerate(walks):
            before = len(walk.errors)
            status, is_page = _open(walk, url, known_page=index > 0)
            if not is_page:
                role.not_pages.append(str(entry))
                break
            walk.check(str(entry), status, before)


def _catalog_file(store: Store, price: str) -> bytes:
    """The store's catalog as the export writes it, one row (the starter kit) repriced."""
    dataset = ProductResource(store=store).export()
    sku, column = dataset.headers.index("sku"), dataset.headers.index("price")
    rows = [list(row) for row in dataset if row[sku] == "NN-KIT"]
    rows[0][column] = price
    return tablib.Dataset(*rows, headers=dataset.headers).export("csv").encode("utf-8")


def csv_dry_run(walk: Walk, live_server, store: Store) -> None:
    page = walk.page
    page.goto(f"{live_server.url}/admin/catalog/product/")
    page.click("a.csv-import-link")
    if page.locator("#id_store").count():
        page.select_option("#id_store", str(store.pk))
    upload: FilePayload = {
        "name": "kit.csv",
        "mimeType": "text/csv",
        "buffer": _catalog_file(store, "9.50"),
    }
    page.set_input_files("#id_file", upload)
    before = len(walk.errors)
    page.click("#import-form input[type=submit]")
    page.wait_for_selector("#dry-run")
    assert "Dry run: nothing is saved yet" in page.inner_text("#dry-run")
    assert "price\n9.00 → 9.50" in page.locator(".import-row.changed").inner_text()
    walk.check("the CSV import's dry run", 200, before)


def api_key_made(walk: Walk, live_server, store: Store) -> None:
    page = walk.page
    page.goto(f"{live_server.url}/admin/api-keys/{store.pk}/")
    page.fill("#id_name", f"Warehouse sync {walk.width}")
    page.check("input[name=scopes][value='catalog:read']")
    before = len(walk.errors)
    page.click("#new-key-form input[type=submit]")
    page.wait_for_selector("#new-api-key")
    walk.check("the API key shown once", 200, before)


def second_store_created(walk: Walk, live_server) -> None:
    page = walk.page
    name = f"Blade Works {walk.width}"
    page.goto(f"{live_server.url}/admin/merchant/store/")
    page.click("a.create-store-link")
    page.wait_for_selector("#id_brand-name")
    walk.check("the new-store wizard, step 1", 200, len(walk.errors))
    page.fill("#id_brand-name", name)
    page.check("input[name='brand-enabled_locales'][value='en-US']")
    page.click("#store-wizard input[type=submit]")
    page.wait_for_selector("#id_voice-invocation_name")
    walk.check("the new-store wizard, step 2", 200, len(walk.errors))
    words = {1280: "blade works twelve", 390: "blade works three"}
    page.fill("#id_voice-invocation_name", words[walk.width])
    page.click("#store-wizard input[type=submit]")
    page.wait_for_selector("#id_money-payment_mode")
    page.select_option("#id_money-payment_mode", "pay_on_delivery")  # no Amazon Pay id yet
    walk.check("the new-store wizard, step 3", 200, len(walk.errors))
    before = len(walk.errors)
    page.click("#store-wizard input[type=submit]")
    page.wait_for_selector(".messagelist .success")
    assert f"{name} is created and you are its owner." in page.inner_text(".messagelist")
    walk.check("the second store's page", 200, before)
    assert Store.objects.filter(name=name).exists()


@pytest.mark.parametrize("username", ROLES)
def test_every_portal_page_fits_and_answers(chromium, live_server, settings, username):
    started = time.monotonic()
    # A quick hasher first: the seed's and the logins' passwords (the others still verify).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"] + list(
        settings.PASSWORD_HASHERS
    )
    params = seed_walk()
    demo = Store.objects.get(slug="no-nicks")
    users = get_user_model().objects.in_bulk(ROLES, field_name="username")
    pages = portal_pages(users[username], params)
    if username == "root":  # the platform's own pages: those no store role may open
        theirs = {
            a.path for role in STORE_ROLES for a in portal_pages(users[role], params) if a.may_open
        }
        pages = [a for a in pages if a.may_open and a.path not in theirs]
    role = RoleWalk([_log_in(chromium, live_server, username, width) for width in WIDTHS])
    try:
        walk_pages(role, live_server, pages)
        for walk in role.walks:
            if username in ("owner", "editor"):
                csv_dry_run(walk, live_server, demo)
            if username == "owner":
                api_key_made(walk, live_server, demo)
                second_store_created(walk, live_server)
    finally:
        for walk in role.walks:
            walk.page.context.close()
    print(
        f"\n{username}: {len(pages)} addresses, {len(role.refused)} refused as expected, "
        f"{len(role.not_pages)} not pages; "
        + ", ".join(f"{len(w.walked)} pages walked at {w.width} px" for w in role.walks)
        + f"; {time.monotonic() - started:.0f} s"
    )
    failures = role.failures + [failure for walk in role.walks for failure in walk.failures]
    assert failures == [], "\n".join(failures)
    # The conversations and the API keys are among the pages walked or refused.
    if username in STORE_ROLES:
        met = " ".join(role.walks[0].walked + role.walks[1].walked + role.refused)
        assert "/transcripts/no-nicks/sessions/" in met
        assert f"/admin/api-keys/{demo.pk}/" in met
