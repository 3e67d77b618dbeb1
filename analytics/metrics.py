"""The metrics of one store-day (``Day``), how days add up over a range, and how the API
writes them. Pure functions: no database access (the reads are in ``raw.py`` and
``selectors.py``).

Definitions (a day is a calendar day in the store's time zone; the voice test console's
traffic, test orders and test purchases are excluded everywhere):

* ``orders_placed`` / ``gross_revenue``: orders whose placing time falls in the range and
  their totals (carts never placed are not orders; orders cancelled later still count).
* ``orders_cancelled``: orders whose cancellation falls in the range (whenever placed).
* ``refunded_amount``: refunds completed in the range, whatever the order's date.
* ``charged_back_amount``: card-dispute chargebacks booked in the range minus the chargeback
  reversals booked in it (disputes the store won), whatever the order's or the dispute's
  date; negative on a day that got back more than it lost.
* ``net_revenue`` = gross - refunded - charged back (negative when they outweigh sales).
* ``average_order_value``: gross ÷ orders placed (``null`` without orders).
* ``sessions``: distinct Alexa sessions with a request in the range. Per day the rollup keeps
  the day's sessions and how many of them also had a request the day before, so a session
  running past midnight is counted once over a range.
* ``sessions_by_end``: sessions whose last request falls in the range, by how they ended.
* ``unique_customers``: distinct shoppers with a request in a session in the range;
  ``new_customers``: those first seen (created) in the range; ``returning_customers`` the rest.
* ``utterances``: IntentRequests; ``failed_utterances``: AMAZON.FallbackIntent, or a turn
  that ended unhandled or in an error.
* ``isp_purchases``: ACCEPTED Buy and Upsell results (Cancel is not a sale); test
  purchases (voice test console) are counted apart as ``isp_test_purchases``.
* ``estimated_isp_earnings``: per currency, the sum of the list prices (in the purchase's
  marketplace) times ``ISP_REVENUE_SHARE``, rounded once per currency.
* ``active_subscriptions``: at the end of the range (see ``raw.subscriptions``).
"""

from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings

from alexa.currency import minor_units
from merchant.money import quantize

ZERO = Decimal("0.00")
SESSION_ENDS = ("skill_ended", "user_ended", "no_response", "failed")
TOP_INTENTS = 10


@dataclass
class Day:
    orders_placed: int = 0
    gross_revenue: Decimal = ZERO
    orders_cancelled: int = 0
    refunded_amount: Decimal = ZERO
    charged_back_amount: Decimal = ZERO  # chargebacks minus reversals
    orders_by_payment_mode: dict = field(default_factory=dict)  # mode: [orders, gross]
    orders_by_channel: dict = field(default_factory=dict)  # channel: [orders, gross]
    sessions: int = 0
    sessions_carried_over: int = 0
    sessions_by_end: Counter = field(default_factory=Counter)
    unique_customers: int = 0
    new_customers: int = 0
    utterances: int = 0
    failed_utterances: int = 0
    isp_purchases: int = 0
    isp_test_purchases: int = 0
    isp_list_prices: Counter = field(default_factory=Counter)  # currency: Decimal
    active_subscriptions: int = 0
    intents: dict = field(default_factory=dict)  # intent: [utterances, failed] (not a column)


# DailyRollup's columns that a Day maps to one to one; JSON columns hold strings for amounts.
ROLLUP_FIELDS = [f.name for f in fields(Day) if f.name != "intents"]


def to_rollup(day: Day) -> dict:
    values = {name: getattr(day, name) for name in ROLLUP_FIELDS}
    values["orders_by_payment_mode"] = {
        mode: {"orders": n, "gross": str(gross)}
        for mode, (n, gross) in sorted(day.orders_by_payment_mode.items())
    }
    values["orders_by_channel"] = {
        channel: {"orders": n, "gross": str(gross)}
        for channel, (n, gross) in sorted(day.orders_by_channel.items())
    }
    values["sessions_by_end"] = dict(sorted(day.sessions_by_end.items()))
    values["isp_list_prices"] = {c: str(v) for c, v in sorted(day.isp_list_prices.items())}
    return values


def from_rollup(row: dict) -> Day:
    """A Day from a ``DailyRollup`` row read with ``values()``."""
    day = Day(**{name: row[name] for name in ROLLUP_FIELDS})
    day.orders_by_payment_mode = {
        mode: [v["orders"], Decimal(v["gross"])] for mode, v in day.orders_by_payment_mode.items()
    }
    day.orders_by_channel = {
        channel: [v["orders"], Decimal(v["gross"])]
        for channel, v in (day.orders_by_channel or {}).items()
    }
    day.sessions_by_end = Counter(day.sessions_by_end)
    day.isp_list_prices = Counter({c: Decimal(v) for c, v in day.isp_list_prices.items()})
    return day


def add_order(day: Day, mode: str, count: int, gross: Decimal, channel: str = "voice") -> None:
    day.orders_placed += count
    day.gross_revenue += gross
    n, total = day.orders_by_payment_mode.get(mode, [0, ZERO])
    day.orders_by_payment_mode[mode] = [n + count, total + gross]
    n, total = day.orders_by_channel.get(channel, [0, ZERO])
    day.orders_by_channel[channel] = [n + count, total + gross]


def earnings(list_prices: dict) -> dict[str, str]:
    """{currency: sum of list prices × ISP_REVENUE_SHARE}, rounded once to the currency."""
    share = settings.ISP_REVENUE_SHARE
    return {
        currency: str(
            (total * share).quantize(Decimal(1).scaleb(-minor_units(currency)), ROUND_HALF_UP)
        )
        for currency, total in sorted(list_prices.items())
    }


def net_revenue(day: Day) -> Decimal:
    """What the store kept of its sales: gross less refunds and chargebacks (net of reversals)."""
    return day.gross_revenue - day.refunded_amount - day.charged_back_amount


def _money(amount: Decimal, currency: str) -> str:
    return str(quantize(amount, currency))


def _average(gross: Decimal, orders: int, currency: str) -> str | None:
    return _money(gross / orders, currency) if orders else None


def summary_metrics(
    days: list[Day], *, currency: str, unique: int, new: int, intents: dict
) -> dict:
    """The API's ``metrics`` for ``days`` (oldest first, days that have begun only).
    ``unique``/``new`` are the range's distinct shoppers (never a sum of days); ``intents``
    {intent: [utterances, failed]} over the range."""
    total = Day()
    for index, day in enumerate(days):
        for name in (
            "orders_placed",
            "gross_revenue",
            "orders_cancelled",
            "refunded_amount",
            "charged_back_amount",
            "sessions",
            "utterances",
            "failed_utterances",
            "isp_purchases",
            "isp_test_purchases",
        ):
            setattr(total, name, getattr(total, name) + getattr(day, name))
        if index:  # sessions that began the day before, inside the range: counted already
            total.sessions -= day.sessions_carried_over
        for mode, (n, gross) in day.orders_by_payment_mode.items():
            seen = total.orders_by_payment_mode.setdefault(mode, [0, ZERO])
            seen[0] += n
            seen[1] += gross
        for channel, (n, gross) in day.orders_by_channel.items():
            seen = total.orders_by_channel.setdefault(channel, [0, ZERO])
            seen[0] += n
            seen[1] += gross
        total.sessions_by_end.update(day.sessions_by_end)
        total.isp_list_prices.update(day.isp_list_prices)
    top = sorted(intents.items(), key=lambda item: (-item[1][0], item[0]))[:TOP_INTENTS]
    return {
        "orders_placed": total.orders_placed,
        "gross_revenue": _money(total.gross_revenue, currency),
        "refunded_amount": _money(total.refunded_amount, currency),
        "charged_back_amount": _money(total.charged_back_amount, currency),
        "net_revenue": _money(net_revenue(total), currency),
        "average_order_value": _average(total.gross_revenue, total.orders_placed, currency),
        "orders_cancelled": total.orders_cancelled,
        "orders_by_payment_mode": {
            mode: {"orders_placed": n, "gross_revenue": _money(gross, currency)}
            for mode, (n, gross) in sorted(total.orders_by_payment_mode.items())
        },
        "orders_by_channel": {
            channel: {"orders_placed": n, "gross_revenue": _money(gross, currency)}
            for channel, (n, gross) in sorted(total.orders_by_channel.items())
        },
        "sessions": total.sessions,
        "sessions_by_end": {end: total.sessions_by_end.get(end, 0) for end in SESSION_ENDS},
        "unique_customers": unique,
        "new_customers": new,
        "returning_customers": unique - new,
        "utterances": total.utterances,
        "failed_utterances": total.failed_utterances,
        "top_intents": [
            {"intent": intent, "utterances": n, "failed": failed} for intent, (n, failed) in top
        ],
        "isp_purchases": total.isp_purchases,
        "isp_test_purchases": total.isp_test_purchases,
        "estimated_isp_earnings": earnings(total.isp_list_prices),
        # At the end of the range: its last day that has begun.
        "active_subscriptions": days[-1].active_subscriptions if days else 0,
    }


# Metrics a time series can show: one value per day, written as the summary writes it.
def _day_value(metric: str, day: Day, currency: str):
    if metric in ("gross_revenue", "refunded_amount", "charged_back_amount"):
        return _money(getattr(day, metric), currency)
    if metric == "net_revenue":
        return _money(net_revenue(day), currency)
    if metric == "average_order_value":
        return _average(day.gross_revenue, day.orders_placed, currency)
    if metric == "returning_customers":
        return day.unique_customers - day.new_customers
    if metric == "estimated_isp_earnings":
        return earnings(day.isp_list_prices)
    return getattr(day, metric)


TIMESERIES_METRICS = (
    "orders_placed",
    "gross_revenue",
    "refunded_amount",
    "charged_back_amount",
    "net_revenue",
    "average_order_value",
    "orders_cancelled",
    "sessions",
    "unique_customers",
    "new_customers",
    "returning_customers",
    "utterances",
    "failed_utterances",
    "isp_purchases",
    "isp_test_purchases",
    "estimated_isp_earnings",
    "active_subscriptions",
)


def timeseries_points(
    metric: str, dates: list[date], by_day: dict[date, Day], currency: str
) -> list[dict]:
    """One point per date; ``null`` for days that have not begun in the store's time zone."""
    return [
        {"date": d.isoformat(), "value": _day_value(metric, by_day[d], currency)}
        if d in by_day
        else {"date": d.isoformat(), "value": None}
        for d in dates
    ]
