"""On a phone (390 px wide, Debian's chromium): the portal's pages fit the screen without
sideways scrolling (the admin's home, the staff page, the product list and a product page,
the launch checklist with its runs), and the inputs on them are fully visible."""

import pytest

from catalog.models import Product
from testing import OVERFLOWING, admin_login
from voicelab.models import CertificationRun, CertificationRunStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}

# Inputs that are cut off: outside the viewport, or wider than a scrolling ancestor shows.
CUT_INPUTS = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (r.left < -0.5 || r.right > width + 0.5) { out.push(el.name || el.id); continue; }
    for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX !== 'visible') {
        const b = p.getBoundingClientRect();
        if (r.left < b.left - 0.5 || r.right > b.right + 0.5) out.push(el.name || el.id);
        break;
      }
    }
  }
  return out;
}"""


def assert_fits_a_phone(page, url: str) -> None:
    page.goto(url)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= PHONE["width"], (url, scroll_width, page.evaluate(OVERFLOWING))
    assert page.evaluate(CUT_INPUTS) == [], url


def test_the_owners_pages_fit_a_phone(page, console_errors, live_server, demo_store):
    url = live_server.url
    kit = Product.objects.get(store=demo_store, sku="NN-KIT")
    CertificationRun.objects.create(
        store=demo_store, status=CertificationRunStatus.PASSED, progress_done=14, progress_total=14
    )
    page.set_viewport_size(PHONE)
    admin_login(page, live_server, "owner")
    page.wait_for_url(f"{url}/admin/")
    failures = []
    for path in (
        "/admin/",
        f"/admin/merchant/store/{demo_store.pk}/staff/",
        "/admin/catalog/product/",
        f"/admin/catalog/product/{kit.pk}/change/",
        f"/console/launch/stores/{demo_store.pk}/",
        "/api/",  # DRF's browsable root, in the portal's look
    ):
        try:
            assert_fits_a_phone(page, url + path)
        except AssertionError as error:  # every page's overflow in one failure
            failures.append(str(error))
    assert failures == []
