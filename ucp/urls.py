"""Every store's UCP root: /ucp/<store-slug>/ (its profile, its REST operations)."""

from django.urls import path

from . import mcp_views, operation_views, views

app_name = "ucp"

urlpatterns = [
    path("<slug:store_slug>/.well-known/ucp", views.profile_view, name="profile"),
    path("<slug:store_slug>/checkout-sessions", views.checkout_sessions, name="checkouts"),
    path(
        "<slug:store_slug>/checkout-sessions/<str:checkout_id>",
        views.checkout_session,
        name="checkout",
    ),
    path(
        "<slug:store_slug>/checkout-sessions/<str:checkout_id>/complete",
        views.checkout_complete_view,
        name="checkout-complete",
    ),
    path(
        "<slug:store_slug>/checkout-sessions/<str:checkout_id>/cancel",
        views.checkout_cancel_view,
        name="checkout-cancel",
    ),
    path(
        "<slug:store_slug>/catalog/search",
        operation_views.catalog_search_view,
        name="catalog-search",
    ),
    path(
        "<slug:store_slug>/catalog/lookup",
        operation_views.catalog_lookup_view,
        name="catalog-lookup",
    ),
    path(
        "<slug:store_slug>/catalog/product",
        operation_views.catalog_product_view,
        name="catalog-product",
    ),
    path("<slug:store_slug>/carts", operation_views.carts_view, name="carts"),
    path("<slug:store_slug>/carts/<str:cart_id>", operation_views.cart_view, name="cart"),
    path(
        "<slug:store_slug>/carts/<str:cart_id>/cancel",
        operation_views.cart_cancel_view,
        name="cart-cancel",
    ),
    path("<slug:store_slug>/orders/<str:order_id>", views.order_view, name="order"),
    path("<slug:store_slug>/mcp", mcp_views.mcp_endpoint, name="mcp"),
    path(
        "<slug:store_slug>/testing/simulate-shipping/<str:order_id>",
        views.simulate_shipping,
        name="simulate-shipping",
    ),
]
