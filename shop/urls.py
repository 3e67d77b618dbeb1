"""The web shop's URLs, under /shop/<store-slug>/ (namespace ``shop``)."""

from django.urls import path

from . import views

app_name = "shop"

urlpatterns = [
    path("<slug:store_slug>/", views.home, name="home"),
    path("<slug:store_slug>/search/", views.search, name="search"),
    path("<slug:store_slug>/cart/", views.cart, name="cart"),
    path("<slug:store_slug>/wishlist/", views.wishlist, name="wishlist"),
    path("<slug:store_slug>/account/", views.account, name="account"),
    path("<slug:store_slug>/login/", views.login, name="login"),
]
