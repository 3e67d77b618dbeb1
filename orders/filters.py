"""The support console's order list filters (django-filter)."""

from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.utils import timezone

from .models import Order, OrderChannel, OrderStatus, PaymentStatus
from .selectors import order_search, stores_by_id


class OrderFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search",
        method="search",
        widget=forms.TextInput(attrs={"placeholder": "Order number, email or customer name"}),
    )
    status = django_filters.ChoiceFilter(choices=OrderStatus.choices, empty_label="Any status")
    payment_status = django_filters.ChoiceFilter(
        choices=PaymentStatus.choices, empty_label="Any payment"
    )
    channel = django_filters.ChoiceFilter(choices=OrderChannel.choices, empty_label="Any channel")
    # Whole days in the portal's time zone, as a range on created_at (index-friendly).
    created_from = django_filters.DateFilter(
        label="From", method="filter_from", widget=forms.DateInput(attrs={"type": "date"})
    )
    created_to = django_filters.DateFilter(
        label="To", method="filter_to", widget=forms.DateInput(attrs={"type": "date"})
    )
    store = django_filters.ModelChoiceFilter(queryset=None, empty_label="All stores")
    is_test = django_filters.ChoiceFilter(
        label="Test orders",
        choices=[("false", "Real orders"), ("true", "Test orders")],
        empty_label="Real and test",
        method="filter_test",
    )

    class Meta:
        model = Order
        fields = ["q", "status", "payment_status", "channel", "created_from", "created_to", "store"]

    def __init__(self, *args, store_ids, **kwargs):
        self.store_ids = store_ids
        super().__init__(*args, **kwargs)
        self.filters["store"].queryset = stores_by_id(store_ids)

    def search(self, queryset, name, value):
        return order_search(queryset, store_ids=self.store_ids, term=value)

    @staticmethod
    def _start_of(day):
        return timezone.make_aware(datetime.combine(day, time.min))

    def filter_from(self, queryset, name, value):
        return queryset.filter(created_at__gte=self._start_of(value))

    def filter_to(self, queryset, name, value):
        return queryset.filter(created_at__lt=self._start_of(value + timedelta(days=1)))

    def filter_test(self, queryset, name, value):
        return queryset.filter(is_test=value == "true")
