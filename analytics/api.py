"""The analytics REST API (``/api/analytics/``): a store's metrics over a range of its days.

Same rules as the orders API: a session, an HTTP Basic login or a store's API key with
the ``analytics:read`` scope, staff read only the stores whose
orders they may work on (owners and support agents), and another store's slug is a 404, as
is a slug that does not exist. Dates are the store's calendar days (``Store.time_zone``),
both ends included; a bad date, an end before the start, an unknown metric or a range
longer than ``ANALYTICS_MAX_RANGE_DAYS`` is a 400 that says which.
"""

from django.conf import settings
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from apikeys.auth import StaffOrScopedKey

from .metrics import SESSION_ENDS, TIMESERIES_METRICS
from .selectors import analytics_summary, analytics_timeseries, store_for_staff


class RangeQuery(serializers.Serializer):
    store = serializers.SlugField(help_text="The store's slug.")
    start = serializers.DateField(help_text="First day, YYYY-MM-DD, in the store's time zone.")
    end = serializers.DateField(help_text="Last day (included), YYYY-MM-DD.")

    def validate(self, data):
        if data["end"] < data["start"]:
            raise serializers.ValidationError({"end": "The end date is before the start date."})
        longest = settings.ANALYTICS_MAX_RANGE_DAYS
        if (data["end"] - data["start"]).days + 1 > longest:
            raise serializers.ValidationError(
                {"end": f"A range covers at most {longest} days; ask for a shorter one."}
            )
        return data


class TimeseriesQuery(RangeQuery):
    metric = serializers.ChoiceField(
        choices=TIMESERIES_METRICS,
        error_messages={"invalid_choice": '"{input}" is not a metric a time series can show.'},
    )


def _money(help_text: str = ""):
    return serializers.DecimalField(max_digits=14, decimal_places=2, help_text=help_text)


class PaymentModeTotals(serializers.Serializer):
    orders_placed = serializers.IntegerField()
    gross_revenue = _money()


class IntentCount(serializers.Serializer):
    intent = serializers.CharField()
    utterances = serializers.IntegerField()
    failed = serializers.IntegerField()


class Metrics(serializers.Serializer):
    orders_placed = serializers.IntegerField(help_text="Placed in the range; carts excluded.")
    gross_revenue = _money("Totals of the orders placed in the range.")
    refunded_amount = _money("Refunds completed in the range, whatever the order's date.")
    charged_back_amount = _money(
        "Card-dispute chargebacks booked in the range minus the chargeback reversals booked in "
        "it (disputes the store won), whatever the order's date."
    )
    net_revenue = _money("Gross revenue minus refunded amount minus charged back amount.")
    average_order_value = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        allow_null=True,
        help_text="Gross revenue ÷ orders placed; null without orders.",
    )
    orders_cancelled = serializers.IntegerField(help_text="Cancellations in the range.")
    orders_by_payment_mode = serializers.DictField(child=PaymentModeTotals())
    orders_by_channel = serializers.DictField(
        child=PaymentModeTotals(), help_text="Keys: voice, web, agent, support, api."
    )
    sessions = serializers.IntegerField(help_text="Distinct sessions with a request.")
    sessions_by_end = serializers.DictField(
        child=serializers.IntegerField(), help_text=f"Keys: {', '.join(SESSION_ENDS)}."
    )
    unique_customers = serializers.IntegerField()
    new_customers = serializers.IntegerField()
    returning_customers = serializers.IntegerField()
    utterances = serializers.IntegerField()
    failed_utterances = serializers.IntegerField()
    top_intents = IntentCount(many=True)
    isp_purchases = serializers.IntegerField()
    isp_test_purchases = serializers.IntegerField()
    estimated_isp_earnings = serializers.DictField(
        child=_money(), help_text='Per currency, e.g. {"USD": "2.79"}.'
    )
    active_subscriptions = serializers.IntegerField(help_text="At the end of the range.")


class Summary(serializers.Serializer):
    store = serializers.SlugField()
    time_zone = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField()
    currency = serializers.CharField()
    metrics = Metrics()


class Point(serializers.Serializer):
    date = serializers.DateField()
    value = serializers.JSONField(help_text="A number, an amount string, or {currency: amount}.")


class Timeseries(serializers.Serializer):
    store = serializers.SlugField()
    time_zone = serializers.CharField()
    metric = serializers.ChoiceField(choices=TIMESERIES_METRICS)
    start = serializers.DateField()
    end = serializers.DateField()
    points = Point(many=True)


def _parse(request, serializer_class) -> dict:
    query = serializer_class(data=request.query_params)
    query.is_valid(raise_exception=True)
    return query.validated_data


def _head(store, data) -> dict:
    return {
        "store": store.slug,
        "time_zone": store.time_zone,
        "start": data["start"].isoformat(),
        "end": data["end"].isoformat(),
    }


class SummaryView(APIView):
    """Every metric of one store over a range of its days."""

    permission_classes = [StaffOrScopedKey]
    api_scope = "analytics"

    @extend_schema(
        tags=["analytics"],
        operation_id="getAnalyticsSummary",
        summary="Get a store's metrics over a range of days",
        parameters=[RangeQuery],
        responses=Summary,
    )
    def get(self, request):
        data = _parse(request, RangeQuery)
        store = store_for_staff(user=request.user, slug=data["store"])
        metrics = analytics_summary(store=store, start=data["start"], end=data["end"])
        return Response({**_head(store, data), "currency": store.currency, "metrics": metrics})


class TimeseriesView(APIView):
    """One metric of one store, one value per day (null for days that have not begun)."""

    permission_classes = [StaffOrScopedKey]
    api_scope = "analytics"

    @extend_schema(
        tags=["analytics"],
        operation_id="getAnalyticsTimeseries",
        summary="Get one metric of a store, day by day",
        parameters=[TimeseriesQuery],
        responses=Timeseries,
    )
    def get(self, request):
        data = _parse(request, TimeseriesQuery)
        store = store_for_staff(user=request.user, slug=data["store"])
        points = analytics_timeseries(
            store=store, metric=data["metric"], start=data["start"], end=data["end"]
        )
        return Response({**_head(store, data), "metric": data["metric"], "points": points})
