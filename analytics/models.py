"""Per-store daily rollups of the merchant's metrics, in the store's own days.

Written only by ``analytics/services.py`` (the beat task recomputes the last few closed days
idempotently); read by ``analytics/selectors.py``. A day is a calendar day in the store's
time zone (``Store.time_zone``); today is never rolled up, it is read from the raw tables.

* ``DailyRollup``: one row per store and day with every additive metric of that day.
* ``DailyActiveCustomer``: which shoppers were active on a day, so distinct shoppers over any
  range are exact without the raw log (uniques are never summed across days). The customer
  is a plain number, not a foreign key: deleting a ``Customer`` (which sets the raw log's
  customer to NULL) leaves closed days counted as they were.
* ``DailyIntentCount``: utterances and failed utterances per intent and day (top intents).

The skill's conversations, rolled up by the same job for the dashboard (``conversations.py``
computes them; a day's rows are replaced together): ``DailyRollup.amazon_pay_funnel`` (and
whether it is set: whether the day's conversations are rolled up at all),
``DailyPathCount`` and ``DailySessionPart`` (interaction paths), ``DailyFallbackCount`` (what
came before each fallback) and ``DailyProductWords`` (the products asked for and the words
not understood). No row names a shopper. The product words are the shopper's own words: they
leave with an erasure and with the raw log at purge, as the log's ``slots`` do; the session
ids (path examples and parts) go at purge too, since the sessions they name are gone.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Value

from merchant.models import Store

ZERO = Decimal("0.00")


class DailyRollup(models.Model):
    # No index of its own: the unique constraint's index starts with the store.
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField(help_text="A calendar day in the store's time zone.")

    # Orders (test orders and carts excluded).
    orders_placed = models.PositiveIntegerField(default=0)
    gross_revenue = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    orders_cancelled = models.PositiveIntegerField(
        default=0, help_text="Orders whose cancellation happened this day."
    )
    refunded_amount = models.DecimalField(
        max_digits=14, decimal_places=2, default=ZERO, help_text="Refunds completed this day."
    )
    charged_back_amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=ZERO,
        db_default=ZERO,
        help_text="Chargebacks booked this day minus chargeback reversals booked this day.",
    )
    orders_by_payment_mode = models.JSONField(
        default=dict, blank=True, help_text='{"charge_now": {"orders": 3, "gross": "32.40"}}'
    )
    orders_by_channel = models.JSONField(
        default=dict,
        db_default=Value({}, output_field=models.JSONField()),
        blank=True,
        help_text='{"voice": {"orders": 3, "gross": "32.40"}, "web": {...}}',
    )

    # The skill's traffic (the voice test console excluded).
    sessions = models.PositiveIntegerField(
        default=0, help_text="Distinct sessions with a request this day."
    )
    sessions_carried_over = models.PositiveIntegerField(
        default=0, help_text="Of those, sessions that also had a request the day before."
    )
    sessions_by_end = models.JSONField(
        default=dict, blank=True, help_text="Sessions whose last request was this day, by end."
    )
    unique_customers = models.PositiveIntegerField(default=0)
    new_customers = models.PositiveIntegerField(
        default=0, help_text="Active shoppers first seen (created) this day."
    )
    utterances = models.PositiveIntegerField(default=0)
    failed_utterances = models.PositiveIntegerField(default=0)

    # In-skill purchasing.
    isp_purchases = models.PositiveIntegerField(default=0)
    isp_test_purchases = models.PositiveIntegerField(
        default=0, help_text="Accepted purchases made from the voice test console."
    )
    isp_list_prices = models.JSONField(
        default=dict, blank=True, help_text='Sum of list prices per currency: {"USD": "5.98"}.'
    )
    active_subscriptions = models.PositiveIntegerField(
        default=0, help_text="At the end of the day, as first rolled up (a snapshot)."
    )
    amazon_pay_funnel = models.JSONField(
        null=True,
        blank=True,
        help_text='Requests that reached each step: {"launch": 4, "pitch": 1, ...}. Null: the '
        "day was rolled up before its conversations were (the dashboard reads them raw).",
    )

    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["store", "day"]
        constraints = [
            # Its index serves every read: one store, a range of days.
            models.UniqueConstraint(fields=["store", "day"], name="analytics_one_rollup_per_day")
        ]

    def __str__(self):
        return f"{self.store_id} {self.day}"


class DailyActiveCustomer(models.Model):
    # No index of its own: the unique constraint's index starts with the store.
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    customer_id = models.BigIntegerField(help_text="orders.Customer id (kept if it is deleted).")
    is_new = models.BooleanField(default=False, help_text="The shopper was created this day.")

    class Meta:
        constraints = [
            # (store, day, customer): a range's distinct shoppers read from the index alone.
            models.UniqueConstraint(
                fields=["store", "day", "customer_id"], name="analytics_customer_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.customer_id} on {self.day}"


class DailyIntentCount(models.Model):
    # No index of its own: the unique constraint's index starts with the store.
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    intent = models.CharField(max_length=100)
    utterances = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["store", "day", "intent"], name="analytics_intent_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.intent} on {self.day}: {self.utterances}"


class SessionReview(models.Model):
    """An owner's mark on one skill session of the transcripts page: "needs review" and a
    note. Written by ``analytics.transcripts.services``; purged with the session's last raw
    interaction (``services.interactions_purge``)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", db_index=False)
    session_id = models.CharField(max_length=200)
    needs_review = models.BooleanField(default=True)
    note = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["store", "session_id"], name="session_review_once_per_session"
            )
        ]

    def __str__(self):
        return f"Review of session {self.session_id}"


class DailyPathCount(models.Model):
    """Launched sessions whose every request fell on this day, by path: the steps in order
    (``conversations.step``, tab-separated), how the session ended and whether it was handed
    to Amazon (ranks, as ``conversations`` numbers them)."""

    # No index of its own: the (store, day) index serves every read.
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    path = models.TextField(blank=True)
    ending = models.PositiveSmallIntegerField(default=0)
    handoff = models.PositiveSmallIntegerField(default=0)
    sessions = models.PositiveIntegerField(default=0)
    example = models.CharField(
        max_length=200, null=True, blank=True, help_text="The least session id (null once purged)."
    )

    class Meta:
        indexes = [models.Index(fields=["store", "day"], name="analytics_paths_by_day")]

    def __str__(self):
        return f"{self.sessions} sessions on {self.day}"


class DailySessionPart(models.Model):
    """This day's part of a session that also had requests on another day (it ran past
    midnight): the dashboard joins the parts of its range's days, as the raw log would."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    session_id = models.CharField(max_length=200)
    path = models.TextField(null=True, blank=True, help_text="Null: no step this day.")
    ending = models.PositiveSmallIntegerField(default=0)
    handoff = models.PositiveSmallIntegerField(default=0)
    launched = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["store", "day", "session_id"], name="analytics_session_part_once_a_day"
            )
        ]

    def __str__(self):
        return f"{self.session_id} on {self.day}"


class DailyFallbackCount(models.Model):
    """This day's AMAZON.FallbackIntent requests by the request just before them in their
    session: its type, intent and outcome, and its day (``before_day``; all null when the
    fallback opened the session). A range counts the request before only when its day is in
    the range, as the raw log read over the range does."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    before_day = models.DateField(null=True, blank=True)
    request_type = models.CharField(max_length=60, null=True, blank=True)
    intent = models.CharField(max_length=100, null=True, blank=True)
    outcome = models.CharField(max_length=60, null=True, blank=True)
    times = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["store", "day"], name="analytics_fallbacks_by_day")]

    def __str__(self):
        return f"{self.times} fallbacks on {self.day}"


class DailyProductWords(models.Model):
    """The Product slot's words (spaces collapsed, lower case; a matched product's id as it
    is) per day and locale: how often they were asked for in an order or product question,
    asked for while unavailable, and not understood (the skill asked which product)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+", db_index=False)
    day = models.DateField()
    words = models.TextField(blank=True)
    locale = models.CharField(max_length=5, blank=True)
    asked = models.PositiveIntegerField(default=0)
    unavailable = models.PositiveIntegerField(default=0)
    unheard = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["store", "day"], name="analytics_words_by_day")]

    def __str__(self):
        return f"{self.words!r} on {self.day}"
