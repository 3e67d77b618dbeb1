"""Every chart of the dashboard, built once from a ``Dashboard``: the canvas's data (passed to
``static/portal/dashboard.js`` with ``json_script``), the HTML table under it and its CSV
download are the same rows, so what people see, read and download always agree.

Cells are written for both the table and a spreadsheet: amounts as plain decimals in the
store's currency (the column says which), shares as percentages with one decimal, days as
ISO dates, and an empty cell where there is nothing yet (a day or week not begun).
"""

import csv
import io
from dataclasses import dataclass, field

from isp.facts import ProductType

from ..metrics import earnings
from ..words import intent_words, outcome_words, step_words
from .page import Dashboard
from .reads import RETENTION_WEEKS

TYPE_NAMES = dict(ProductType.choices)


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # line | bar | hbar | doughnut | "" (a table only, e.g. the heat table)
    columns: list[str]
    rows: list[list]
    labels: list[str] = field(default_factory=list)
    series: list[dict] = field(default_factory=list)  # {"label", "data", "axis", "type"}
    description: str = ""
    heat: list = field(default_factory=list)  # the heat table: rows of (text, css class)
    heat_head: list = field(default_factory=list)  # its columns after the first two
    csv_url: str = ""  # the page's link to the chart's CSV
    money_axis: str = ""  # the value axis that shows money ("y"); the others count, in steps of 1

    def __post_init__(self):
        # A doughnut of one slice (or none) says nothing a sentence would not: the table only.
        if self.kind == "doughnut":
            values = [v for series in self.series for v in series["data"] if v]
            if len(values) <= 1:
                self.kind = ""

    @property
    def dom_id(self) -> str:
        return f"chart-{self.key}"

    @property
    def data_id(self) -> str:
        return f"chart-{self.key}-data"

    def config(self) -> dict:
        """What ``dashboard.js`` turns into a Chart.js chart."""
        return {
            "type": self.kind,
            "labels": self.labels,
            "series": self.series,
            "money_axis": self.money_axis,
        }

    def csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.columns)
        writer.writerows([[_csv_cell(cell) for cell in row] for row in self.rows])
        return out.getvalue()


def _csv_cell(cell):
    """Empty for nothing; text a spreadsheet would run as a formula (words shoppers said,
    names staff typed) starts with an apostrophe, as OWASP advises."""
    if cell is None:
        return ""
    if isinstance(cell, str) and cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return f"'{cell}"
    return cell


def _percent(part, whole) -> str:
    return f"{part / whole * 100:.1f}" if whole else ""


def _number(value) -> float | None:
    return None if value is None else float(value)


def sales(d: Dashboard) -> Chart:
    currency = d.store.currency
    orders, gross = d.series["orders_placed"], d.series["gross_revenue"]
    days = [point["date"] for point in gross]
    return Chart(
        "sales",
        "Sales per day",
        "bar",
        ["Day", "Orders placed", f"Gross revenue ({currency})"],
        [[g["date"], o["value"], g["value"]] for o, g in zip(orders, gross, strict=True)],
        labels=days,
        series=[
            {"label": f"Gross revenue ({currency})", "data": [_number(g["value"]) for g in gross]},
            {
                "label": "Orders placed",
                "data": [o["value"] for o in orders],
                "type": "line",
                "axis": "y1",
            },
        ],
        description="Orders placed each day and their totals (test orders excluded).",
        money_axis="y",
    )


def payment_modes(d: Dashboard) -> Chart:
    currency = d.store.currency
    modes = d.payment_modes
    return Chart(
        "payment-modes",
        "Orders by payment mode",
        "doughnut",
        ["Payment mode", "Orders placed", f"Gross revenue ({currency})"],
        [[m["name"], m["orders"], m["gross"]] for m in modes],
        labels=[m["name"] for m in modes],
        series=[{"label": "Orders placed", "data": [m["orders"] for m in modes]}],
    )


def channels(d: Dashboard) -> Chart:
    currency = d.store.currency
    rows = d.channels
    return Chart(
        "channels",
        "Orders by channel",
        "bar",
        ["Channel", "Orders placed", f"Gross revenue ({currency})"],
        [[c["name"], c["orders"], c["gross"]] for c in rows],
        labels=[c["name"] for c in rows],
        series=[{"label": "Orders placed", "data": [c["orders"] for c in rows]}],
        description="Where orders were placed: by voice, on the web shop, by shopping agents, "
        "by support staff, through the API.",
    )


def traffic(d: Dashboard) -> Chart:
    sessions, shoppers = d.series["sessions"], d.series["unique_customers"]
    return Chart(
        "traffic",
        "Sessions and shoppers per day",
        "line",
        ["Day", "Sessions", "Shoppers"],
        [[s["date"], s["value"], c["value"]] for s, c in zip(sessions, shoppers, strict=True)],
        labels=[s["date"] for s in sessions],
        series=[
            {"label": "Sessions", "data": [s["value"] for s in sessions]},
            {"label": "Shoppers", "data": [c["value"] for c in shoppers]},
        ],
        description="Shoppers are counted once a day here; the figure above counts them once "
        "over the whole range.",
    )


def session_ends(d: Dashboard) -> Chart:
    ends = d.session_ends
    total = sum(n for _, _, n in ends)
    return Chart(
        "session-ends",
        "How sessions ended",
        "doughnut",
        ["How the session ended", "Sessions", "Share (%)"],
        [[name, n, _percent(n, total)] for _, name, n in ends],
        labels=[name for _, name, _ in ends],
        series=[{"label": "Sessions", "data": [n for _, _, n in ends]}],
    )


def intents(d: Dashboard) -> Chart:
    top = d.summary["top_intents"]
    return Chart(
        "intents",
        "Top intents",
        "hbar",
        ["Intent", "Utterances", "Not understood", "Not understood (%)"],
        [
            [
                intent_words(i["intent"]),
                i["utterances"],
                i["failed"],
                _percent(i["failed"], i["utterances"]),
            ]
            for i in top
        ],
        labels=[intent_words(i["intent"]) for i in top],
        series=[
            {"label": "Utterances", "data": [i["utterances"] for i in top]},
            {"label": "Not understood", "data": [i["failed"] for i in top]},
        ],
    )


def asked(d: Dashboard) -> Chart:
    most = d.asked.most
    return Chart(
        "asked",
        "What shoppers asked for most",
        "hbar",
        ["Product asked for", "Times"],
        [[a.label, a.times] for a in most],
        labels=[a.label for a in most],
        series=[{"label": "Times asked", "data": [a.times for a in most]}],
        description="Products named in orders and product questions; words in quotes matched "
        "no product.",
    )


def _funnel(key, title, steps, description="") -> Chart:
    rows, previous = [], None
    for label, n in steps:
        rows.append([label, n, "" if previous is None else _percent(n, previous)])
        previous = n
    return Chart(
        key,
        title,
        "bar",
        ["Step", "Count", "Conversion from the step before (%)"],
        rows,
        labels=[label for label, _ in steps],
        series=[{"label": "Count", "data": [n for _, n in steps]}],
        description=description,
    )


def amazon_pay_funnel(d: Dashboard) -> Chart:
    f = d.amazon_pay_funnel
    if d.store.uses_amazon_pay:
        steps = [
            ("Launch", f["launch"]),
            ("Product pitched", f["pitch"]),
            ("Summary heard", f["summary"]),
            ("Charge sent", f["charge_sent"]),
            ("Order placed", f["order_placed"]),
        ]
        title = "Amazon Pay funnel"
    else:
        steps = [
            ("Launch", f["launch"]),
            ("Product pitched", f["pitch"]),
            ("Summary heard", f["summary"]),
            ("Order placed", f["order_placed"]),
        ]
        title = "Ordering funnel (pay on delivery: no charge step)"
    return _funnel(
        "amazon-pay-funnel",
        title,
        steps,
        f"Turns of the skill that reached each step. Payments declined: {f['declined']}.",
    )


ISP_FUNNEL_SANDBOX = "Upsell suggestions, then how Amazon's purchase dialogue ended."
ISP_FUNNEL_LIVE = (
    f"{ISP_FUNNEL_SANDBOX} Live, Amazon answers one DECLINED whether the shopper refused the "
    "suggestion or the priced offer."
)


def isp_funnel(d: Dashboard) -> Chart:
    f = d.isp_funnel
    suggested = f["suggested"]
    steps = [
        ("Suggestion made", suggested),
        ("Accepted", f["accepted"]),
        ("Declined", f["declined"]),
        ("Error", f["error"]),
    ]
    rows = [
        [label, n, "" if not i else _percent(n, suggested)] for i, (label, n) in enumerate(steps)
    ]
    return Chart(
        "isp-funnel",
        "In-skill purchasing funnel",
        "bar",
        ["Step", "Count", "Share of suggestions (%)"],
        rows,
        labels=[label for label, _ in steps],
        series=[{"label": "Count", "data": [n for _, n in steps]}],
        description=ISP_FUNNEL_SANDBOX if d.isp_sandbox else ISP_FUNNEL_LIVE,
    )


def isp_products(d: Dashboard) -> Chart:
    products = d.isp_products
    rows = []
    for p in products:
        estimated = earnings(p.list_prices)
        rows.append(
            [
                p.name,
                TYPE_NAMES.get(p.type, p.type),
                p.purchases,
                " ".join(f"{amount} {currency}" for currency, amount in estimated.items()),
            ]
        )
    return Chart(
        "isp-products",
        "In-skill purchases by product",
        "hbar",
        ["Product", "Type", "Purchases", "Estimated earnings"],
        rows,
        labels=[p.name for p in products],
        series=[{"label": "Purchases", "data": [p.purchases for p in products]}],
    )


def retention(d: Dashboard) -> Chart:
    rows, heat = [], []
    for cohort in d.retention:
        cells = [
            None if share is None else (f"{share * 100:.1f}" if cohort.size else "")
            for share in cohort.shares
        ]
        rows.append([cohort.week.isoformat(), cohort.size, *cells])
        heat.append(
            [
                (cohort.week.strftime("%d %b"), cohort.week.isoformat()),
                (cohort.size, ""),
                *[
                    ("", "later")
                    if share is None
                    else (f"{share * 100:.0f}" if cohort.size else "–", f"heat-{round(share * 10)}")
                    for share in cohort.shares
                ],
            ]
        )
    return Chart(
        "retention",
        "Retention of new shoppers, week by week",
        "",
        [
            "First seen (week of)",
            "New shoppers",
            *[f"Week {n} (%)" for n in range(RETENTION_WEEKS)],
        ],
        rows,
        heat=heat,
        heat_head=[str(n) for n in range(RETENTION_WEEKS)],
        description="Shoppers first seen in a week (Monday to Sunday, the store's days), and "
        "the share of them who used the skill again in each following week.",
    )


def paths(d: Dashboard) -> Chart:
    found = d.paths
    return Chart(
        "paths",
        "Most common interaction paths",
        "",
        ["Path", "Sessions"],
        [[p.text, p.sessions] for p in found],
        description="Sessions opened by a launch: each request in order, then how the session "
        "ended. A hand-off to Amazon Pay or Amazon's purchase dialogue ends a session (the "
        "answer comes back in a new one, counted in the funnels).",
    )


def unheard(d: Dashboard) -> Chart:
    words = d.unheard_words
    return Chart(
        "unheard",
        "Product words that matched nothing",
        "",
        ["Words heard", "Locale", "Times", "Synonym of"],
        [[w.words, w.locale, w.times, w.synonym_of] for w in words],
    )


def fallbacks(d: Dashboard) -> Chart:
    found = d.fallback_contexts
    return Chart(
        "fallbacks",
        "Where shoppers were not understood",
        "",
        ["Just before", "Skill's outcome", "Fallbacks"],
        [[step_words(f.step), outcome_words(f.outcome), f.times] for f in found],
    )


def unavailable(d: Dashboard) -> Chart:
    found = d.asked.unavailable
    return Chart(
        "unavailable",
        "Asked for while out of stock or not for sale",
        "",
        ["Product", "Times asked", "Stock now"],
        [
            [
                a.label,
                a.times,
                "not for sale" if not a.active else ("unlimited" if a.stock is None else a.stock),
            ]
            for a in found
        ],
    )


CHARTS = {
    chart.__name__.replace("_", "-"): chart
    for chart in (
        sales,
        payment_modes,
        channels,
        traffic,
        session_ends,
        intents,
        asked,
        amazon_pay_funnel,
        isp_funnel,
        isp_products,
        retention,
        paths,
        unheard,
        fallbacks,
        unavailable,
    )
}


def build(d: Dashboard, key: str) -> Chart:
    return CHARTS[key](d)


def build_all(d: Dashboard) -> dict[str, Chart]:
    """Keyed with underscores, for templates (``charts.session_ends``)."""
    return {key.replace("-", "_"): chart(d) for key, chart in CHARTS.items()}
