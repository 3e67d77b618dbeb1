"""The support console, mounted at /support/."""

from django.urls import path

from . import customer_views, number_views, views

app_name = "support"
urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("orders.csv", views.order_export, name="order_export"),
    path("orders/number/<str:number>/", number_views.order_by_number, name="order_by_number"),
    path("orders/<int:pk>/", views.order_detail, name="order_detail"),
    path("orders/<int:pk>/refund/", views.order_refund, name="order_refund"),
    path("orders/<int:pk>/<slug:action>/", views.order_action, name="order_action"),
    path("refund-requests/", customer_views.refund_requests, name="refund_requests"),
    path("customers/<int:pk>/", customer_views.customer_detail, name="customer_detail"),
    path("plans/<int:pk>/<slug:action>/", customer_views.plan_action, name="plan_action"),
]
