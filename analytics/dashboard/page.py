"""``Dashboard``: one store's numbers over one range and the period before it.

Every section is read on first use (``cached_property``), so the page reads everything once
and a chart's CSV download reads only what that chart shows. The headline numbers come from
``analytics.selectors`` (rollups for closed days, the raw log for today), the paths,
fallbacks, funnel and words the same way from ``conversation_reads``, the rest from
``reads``; the query count depends on neither the data's size nor the range's length.
"""

from datetime import datetime
from decimal import Decimal
from functools import cached_property

from django.utils import timezone

from isp.facts import ProductType
from merchant.money import display
from orders.models import OrderChannel

from .. import periods
from ..metrics import SESSION_ENDS, earnings
from ..selectors import Report, analytics_report
from . import conversation_reads, reads
from .ranges import Period

END_NAMES = {
    "skill_ended": "Ended by the skill",
    "user_ended": "Ended by the shopper",
    "no_response": "No response",
    "failed": "Failed",
}
PAYMENT_MODE_NAMES = {
    "charge_now": "Amazon Pay, charged at once",
    "charge_later": "Amazon Pay, charged on shipping",
    "pay_on_delivery": "Pay on delivery",
}
SERIES = ("orders_placed", "gross_revenue", "sessions", "unique_customers")
DISPLAY_LOCALE = "en-US"  # the portal's pages are in English


class Figure:
    """One headline number, its value in the period before and the change."""

    def __init__(self, key, label, value, previous, *, kind="count", currency="", inverse=False):
        self.key, self.label, self.value, self.previous = key, label, value, previous
        self.kind, self.currency, self.inverse = kind, currency, inverse

    def _text(self, value) -> str:
        if value is None:
            return "–"
        if self.kind == "money":
            return display(Decimal(value), self.currency, DISPLAY_LOCALE)
        if self.kind == "ratio":
            return f"{value * 100:.1f} %"
        if self.kind == "number":
            return f"{value:.1f}"
        return f"{value:,}"

    @property
    def text(self) -> str:
        return self._text(self.value)

    @property
    def previous_text(self) -> str:
        return self._text(self.previous)

    @property
    def change(self):
        if self.value is None or self.previous is None:
            return None
        if self.kind == "money":
            return Decimal(self.value) - Decimal(self.previous)
        return self.value - self.previous

    @property
    def change_text(self) -> str:
        change = self.change
        if change is None:
            return "no comparison"
        if change == 0:
            return "no change"
        sign = "+" if change > 0 else "−" if change < 0 else "±"
        if self.kind == "money":
            amount = display(abs(change), self.currency, DISPLAY_LOCALE)
        elif self.kind == "ratio":
            return f"{sign}{abs(change) * 100:.1f} pts"
        elif self.kind == "number":
            amount = f"{abs(change):.1f}"
        else:
            amount = f"{abs(change):,}"
        previous = Decimal(self.previous) if self.kind == "money" else self.previous
        if previous:
            return f"{sign}{amount} ({sign}{abs(change) / abs(previous) * 100:.0f} %)"
        return f"{sign}{amount}"

    @property
    def trend(self) -> str:
        """up / down / flat, and whether that is good: "up good", "down bad", ..."""
        change = self.change
        if change is None or change == 0:
            return "flat"
        rising = change > 0
        good = rising != self.inverse
        return f"{'up' if rising else 'down'} {'good' if good else 'bad'}"


def _ratio(part, whole):
    return part / whole if whole else None


class Dashboard:
    def __init__(self, store, period: Period, *, now: datetime | None = None):
        self.store, self.period = store, period
        self.now = now or timezone.now()
        self.start, self.stop = periods.span(store, period.start, period.end)
        previous = period.previous
        self.previous_start, self.previous_stop = periods.span(store, previous.start, previous.end)

    # Headline numbers ------------------------------------------------------------------------

    @cached_property
    def _report(self) -> Report:
        previous = self.period.previous
        return analytics_report(
            store=self.store,
            start=self.period.start,
            end=self.period.end,
            previous=(previous.start, previous.end),
            series=SERIES,
            also_from=reads.retention_first_week(self.period.start, self.period.end),
            now=self.now,
        )

    @cached_property
    def summary(self) -> dict:
        return self._report.summary

    @cached_property
    def previous_summary(self) -> dict:
        return self._report.previous

    def _summary_figure(self, key, label, **kwargs) -> Figure:
        return Figure(key, label, self.summary[key], self.previous_summary[key], **kwargs)

    @cached_property
    def sales_figures(self) -> list[Figure]:
        money = {"kind": "money", "currency": self.store.currency}
        # Chargebacks only where there were some, in either period (as the ISP earnings).
        disputed = any(
            Decimal(summary["charged_back_amount"])
            for summary in (self.summary, self.previous_summary)
        )
        chargebacks = self._summary_figure(
            "charged_back_amount", "Chargebacks", inverse=True, **money
        )
        return [
            self._summary_figure("orders_placed", "Orders placed"),
            self._summary_figure("gross_revenue", "Gross revenue", **money),
            self._summary_figure("refunded_amount", "Refunds", inverse=True, **money),
            *([chargebacks] if disputed else []),
            self._summary_figure("net_revenue", "Net revenue", **money),
            self._summary_figure("average_order_value", "Average order value", **money),
            self._summary_figure("orders_cancelled", "Cancellations", inverse=True),
        ]

    @cached_property
    def payment_modes(self) -> list[dict]:
        return [
            {
                "mode": mode,
                "name": PAYMENT_MODE_NAMES.get(mode, mode),
                "orders": totals["orders_placed"],
                "gross": totals["gross_revenue"],
            }
            for mode, totals in self.summary["orders_by_payment_mode"].items()
        ]

    @cached_property
    def channels(self) -> list[dict]:
        """Orders and gross per channel, every channel listed (zero where none)."""
        totals = self.summary["orders_by_channel"]
        return [
            {
                "channel": channel,
                "name": name,
                "orders": totals.get(channel, {}).get("orders_placed", 0),
                "gross": totals.get(channel, {}).get("gross_revenue", "0.00"),
            }
            for channel, name in OrderChannel.choices
        ]

    @cached_property
    def _refill_plans(self) -> tuple[reads.RefillPlans, reads.RefillPlans]:
        return reads.refill_plans_compared(
            self.store, (self.start, self.stop), (self.previous_start, self.previous_stop)
        )

    @cached_property
    def refill_plans(self) -> reads.RefillPlans:
        return self._refill_plans[0]

    @cached_property
    def previous_refill_plans(self) -> reads.RefillPlans:
        return self._refill_plans[1]

    @cached_property
    def refill_figures(self) -> list[Figure]:
        now, before = self.refill_plans, self.previous_refill_plans
        return [
            Figure("plans_started", "Plans started", now.started, before.started),
            Figure("plans_renewed", "Renewals charged", now.renewed, before.renewed),
            Figure("plans_failed", "Renewals failed", now.failed, before.failed, inverse=True),
            Figure(
                "plans_cancelled", "Plans cancelled", now.cancelled, before.cancelled, inverse=True
            ),
        ]

    def _per_session(self, summary):
        return _ratio(summary["utterances"], summary["sessions"])

    @cached_property
    def voice_figures(self) -> list[Figure]:
        return [
            self._summary_figure("unique_customers", "Shoppers"),
            self._summary_figure("new_customers", "New shoppers"),
            self._summary_figure("returning_customers", "Returning shoppers"),
            self._summary_figure("sessions", "Sessions"),
            Figure(
                "utterances_per_session",
                "Utterances per session",
                self._per_session(self.summary),
                self._per_session(self.previous_summary),
                kind="number",
            ),
            Figure(
                "failed_share",
                "Utterances not understood",
                _ratio(self.summary["failed_utterances"], self.summary["utterances"]),
                _ratio(
                    self.previous_summary["failed_utterances"],
                    self.previous_summary["utterances"],
                ),
                kind="ratio",
                inverse=True,
            ),
        ]

    @cached_property
    def session_ends(self) -> list[tuple[str, str, int]]:
        ends = self.summary["sessions_by_end"]
        return [(end, END_NAMES[end], ends.get(end, 0)) for end in SESSION_ENDS]

    # Time series (one value per day) ---------------------------------------------------------

    @cached_property
    def series(self) -> dict[str, list[dict]]:
        """One point a day for the charts: read with the summary, not again per metric."""
        return self._report.series

    # Funnels ---------------------------------------------------------------------------------

    @cached_property
    def _conversation_days(self) -> reads.ConversationDays:
        """Which of the range's days have their conversations rolled up: told by the
        headline numbers' read when the page made it, else one query (a chart's CSV)."""
        report = self.__dict__.get("_report")
        return reads.conversation_days(
            self.store,
            self.period.start,
            self.period.end,
            now=self.now,
            funnels=None if report is None else report.funnels,
        )

    @cached_property
    def _requests(self) -> reads.RequestReads:
        """The range's requests by the product words they carry, read once for the Amazon
        Pay funnel, the products asked for and the words not understood."""
        return conversation_reads.request_reads(self.store, self._conversation_days)

    @cached_property
    def amazon_pay_funnel(self) -> dict:
        return self._requests.funnel

    @cached_property
    def isp_sandbox(self) -> bool:
        """``isp.selectors.store_in_isp_sandbox``, read with the package state."""
        return self.package.isp_sandbox

    @cached_property
    def isp_funnel(self) -> dict:
        return reads.isp_funnel(
            self.store,
            self.start,
            self.stop,
            sandbox=self.isp_sandbox,
            upsell_results=self._isp_results.upsell_results,
        )

    # In-skill purchasing ---------------------------------------------------------------------

    @cached_property
    def _isp_results(self) -> reads.IspResults:
        """Both periods' purchases and the range's Upsell results, read together."""
        # The previous range ends where this one starts (``Period.previous``).
        return reads.isp_results_compared(
            self.store, self.previous_start, self.start, self.stop, sandbox=self.isp_sandbox
        )

    @cached_property
    def isp_products(self) -> list[reads.ProductSales]:
        return self._isp_results.now

    @cached_property
    def previous_isp_products(self) -> list[reads.ProductSales]:
        return self._isp_results.before

    @staticmethod
    def _list_prices(products) -> dict:
        total: dict = {}
        for sales in products:
            for currency, amount in sales.list_prices.items():
                total[currency] = total.get(currency, Decimal(0)) + amount
        return total

    @cached_property
    def isp_earnings(self) -> dict[str, str]:
        """{currency: estimated earnings} at ``ISP_REVENUE_SHARE``, rounded once per currency."""
        return earnings(self._list_prices(self.isp_products))

    @cached_property
    def isp_figures(self) -> list[Figure]:
        figures = [
            Figure(
                "isp_purchases",
                "In-skill purchases",
                sum(p.purchases for p in self.isp_products),
                sum(p.purchases for p in self.previous_isp_products),
            )
        ]
        before = earnings(self._list_prices(self.previous_isp_products))
        for currency in sorted(set(self.isp_earnings) | set(before)):
            figures.append(
                Figure(
                    f"isp_earnings_{currency}",
                    f"Estimated earnings ({currency})",
                    self.isp_earnings.get(currency, "0"),
                    before.get(currency, "0"),
                    kind="money",
                    currency=currency,
                )
            )
        return figures

    @cached_property
    def isp_types(self) -> list[tuple[str, int]]:
        by_type: dict[str, int] = {}
        for sales in self.isp_products:
            by_type[sales.type] = by_type.get(sales.type, 0) + sales.purchases
        return sorted(by_type.items(), key=lambda item: (-item[1], item[0]))

    @cached_property
    def subscriptions(self) -> reads.Subscriptions:
        started = self._isp_results.started(ProductType.SUBSCRIPTION)
        if self.isp_sandbox:
            return reads.sandbox_subscriptions(
                self.store, self.start, self.stop, now=self.now, started=started
            )
        return reads.live_subscriptions(
            self.store,
            self.start,
            self.stop,
            active_start=self.previous_summary["active_subscriptions"],
            active_end=self.summary["active_subscriptions"],
            started=started,
        )

    # Retention, paths, what was not understood -----------------------------------------------

    @cached_property
    def retention(self) -> list[reads.Cohort]:
        last = min(self.period.end, periods.store_today(self.store, self.now))
        if last < self.period.start:
            return []
        report = self._report
        known = report.rolled_up_days_from(reads.retention_first_week(self.period.start, last))
        return reads.retention(self.store, self.period.start, last, rolled_up_days=known)

    @cached_property
    def paths(self) -> list[reads.Path]:
        return conversation_reads.paths(self.store, self._conversation_days)

    @cached_property
    def unheard_words(self) -> list[reads.UnheardWords]:
        return self._requests.unheard

    @cached_property
    def fallback_contexts(self) -> list[reads.FallbackContext]:
        return conversation_reads.fallback_contexts(self.store, self._conversation_days)

    @cached_property
    def asked(self) -> reads.Asked:
        return self._requests.asked

    @cached_property
    def synonym_choices(self) -> list[tuple[int, str]]:
        """The "add as synonym" form's products (read only when there are words to add)."""
        return self._requests.synonym_choices

    @cached_property
    def package(self) -> reads.PackageState:
        return reads.package_state(self.store)

    # Upsell experiments ----------------------------------------------------------------------

    @cached_property
    def experiments(self) -> list[reads.ExperimentRow]:
        return reads.experiments(self.store)
