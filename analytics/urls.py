"""The analytics API, mounted at /api/analytics/."""

from django.urls import path

from . import api

urlpatterns = [
    path("summary/", api.SummaryView.as_view(), name="api-analytics-summary"),
    path("timeseries/", api.TimeseriesView.as_view(), name="api-analytics-timeseries"),
]
