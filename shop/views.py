"""The shop's pages (being built: each view below only renders the store's frame)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from merchant.models import Store


def _frame(request: HttpRequest, store_slug: str) -> HttpResponse:
    store = get_object_or_404(Store, slug=store_slug)
    return render(request, "shop/base.html", {"store": store, "shopper": None})


home = search = cart = wishlist = account = login = _frame
