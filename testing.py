"""Helpers shared by every app's tests (fixtures stay in conftest.py files).

A real component that is missing skips a test locally and fails it in CI (``CI=true``);
the browser tests drive Debian's chromium through Playwright.
"""

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]

# Every element whose box or content (a long word, an address) goes past the viewport, those
# inside a horizontally scrolling box excepted (a table that must stay a table may scroll in
# its own box), the innermost ones: named in the failure, to say what overflows.
OVERFLOWING = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  for (const el of document.querySelectorAll('body *')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    let clipped = false;
    for (let p = el.parentElement; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX === 'auto' || s.overflowX === 'scroll') {
        clipped = true; break;
      }
    }
    const visible = getComputedStyle(el).overflowX === 'visible';
    const right = r.left + Math.max(r.width, visible ? el.scrollWidth : 0);
    if (!clipped && right > width + 0.5) found.push([el, right]);
  }
  const innermost = found.filter(([el]) => !found.some(([o]) => o !== el && el.contains(o)));
  return innermost.slice(0, 15).map(([el, right]) =>
    `${el.tagName.toLowerCase()}#${el.id}.${el.className} ${Math.round(right)}`);
}"""


def require(condition: bool, reason: str):
    """Skip locally when a real component is missing; in CI a missing component fails."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must run this test: {reason}")
    pytest.skip(reason)


def admin_login(page, live_server, username, password="nonicks-demo", next_path=""):
    """Log in on the portal's login page (``next_path``: where to go next, e.g. "/support/")."""
    query = f"?next={next_path}" if next_path else ""
    page.goto(f"{live_server.url}/admin/login/{query}")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("input[type=submit]")


def record_console_errors(page, errors: list[str]) -> None:
    """Append to ``errors`` every console error and uncaught exception of the pages ``page``
    opens (a missing resource, the favicon included, is an error too)."""
    page.on(
        "console",
        lambda msg: (
            errors.append(f"{msg.text} {msg.location.get('url')}") if msg.type == "error" else None
        ),
    )
    page.on("pageerror", lambda exc: errors.append(str(exc)))
