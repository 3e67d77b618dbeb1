"""Amazon's facts, each written once: their values, and that nothing else writes them and
that this package stands below every app."""

import ast
from decimal import Decimal
from pathlib import Path

import pytest

from alexa import currency, one_breath, scopes
from isp.models.products import price_error
from merchant.money import quantize

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "alexa"


def test_the_permission_scopes_as_amazon_names_them():
    assert scopes.ADDRESS_SCOPE == "read::alexa:device:all:address"
    assert scopes.EMAIL_SCOPE == "alexa::profile:email:read"
    assert scopes.AUTOPAY_SCOPE == "payments:autopay_consent"
    assert scopes.NOTIFICATIONS_SCOPE == "alexa::devices:all:notifications:write"
    assert scopes.PROACTIVE_EVENTS_SCOPE == "alexa::proactive_events"


def test_twenty_words_fit_one_breath_and_twenty_one_do_not():
    assert (one_breath.SPEAKING_RATE_WPM, one_breath.ONE_BREATH_SECONDS) == (150, 8.0)
    assert one_breath.ONE_BREATH_WORDS == 20
    assert one_breath.fits_one_breath(0) and one_breath.fits_one_breath(20)
    assert not one_breath.fits_one_breath(21)
    assert one_breath.spoken_seconds(20) == 8.0
    assert one_breath.spoken_seconds(21) == pytest.approx(8.4)
    assert one_breath.word_count("  Three  words\nhere ") == 3
    assert one_breath.word_count("") == one_breath.word_count(None) == 0
    assert one_breath.limit_in_words() == "8 s, 20 words at 150 words a minute"


def test_minor_units_per_currency():
    assert currency.MINOR_UNITS == {"USD": 2, "CAD": 2, "GBP": 2, "EUR": 2, "JPY": 0}
    assert [currency.minor_units(c) for c in ("USD", "JPY", "XXX")] == [2, 0, 2]


def test_money_and_isp_prices_follow_the_minor_units():
    assert quantize(Decimal("9.995"), "USD") == Decimal("10.00")
    assert quantize(Decimal("99.5"), "JPY") == Decimal("100")
    assert price_error("amazon.co.jp", "ENTITLEMENT", Decimal("99.5")) == (
        "JPY prices have 0 decimal places at most."
    )
    assert price_error("amazon.com", "ENTITLEMENT", Decimal("0.999")) == (
        "USD prices have 2 decimal places at most."
    )


def _modules(root: Path):
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if "/tests/" in rel or "/migrations/" in rel or rel.startswith((".venv/", "node_modules/")):
            continue
        yield rel, ast.parse(path.read_text())


def test_this_package_imports_no_portal_app():
    apps = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()} | {"config", "testing"}
    assert {"merchant", "orders", "skill", "isp", "config"} <= apps
    found = []
    for rel, tree in _modules(PACKAGE):
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and not node.level:
                names = [node.module or ""]
            else:
                continue
            found += [f"{rel}: {name}" for name in names if name.split(".")[0] in apps]
    assert found == []


def test_no_app_writes_a_scope_of_its_own():
    values = {getattr(scopes, name) for name in dir(scopes) if name.endswith("_SCOPE")}
    written = [
        f"{rel}:{node.lineno}"
        for top in ROOT.iterdir()
        if top.is_dir() and top.name != "alexa" and (top / "__init__.py").exists()
        for rel, tree in _modules(top)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and node.value in values
    ]
    assert written == []
