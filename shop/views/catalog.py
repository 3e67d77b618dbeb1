"""The catalog as a shopper browses it: home, a category, a product, search."""

from django.http import HttpResponse
from django.views.decorators.http import require_GET

from .. import selectors
from ..forms import AddToCartForm, page_number
from ..pages import ShopRequest, render_page, shop_page


@require_GET
@shop_page
def home(request: ShopRequest) -> HttpResponse:
    store = request.store
    best = selectors.best_sellers(store=store)
    return render_page(
        request,
        "shop/home.html",
        {"categories": selectors.shop_categories(store=store), "best_sellers": best},
        images_of=best,
    )


@require_GET
@shop_page
def category(request: ShopRequest, category_id: int) -> HttpResponse:
    store = request.store
    found = selectors.shop_category(store=store, category_id=category_id)
    page = selectors.category_products(store=store, category=found, page=page_number(request.GET))
    return render_page(
        request, "shop/category.html", {"category": found, "page": page}, images_of=page.items
    )


@require_GET
@shop_page
def product(request: ShopRequest, product_id: int) -> HttpResponse:
    found = selectors.shop_product(store=request.store, product_id=product_id)
    on_wishlist = request.shopper is not None and selectors.on_wishlist(
        customer_id=request.shopper.customer_id, product=found
    )
    return render_page(
        request,
        "shop/product.html",
        {"product": found, "form": AddToCartForm(), "on_wishlist": on_wishlist},
        images_of=[found],
    )


@require_GET
@shop_page
def search(request: ShopRequest) -> HttpResponse:
    term = request.GET.get("q", "")[:100]
    page = selectors.search_products(store=request.store, term=term, page=page_number(request.GET))
    return render_page(
        request,
        "shop/search.html",
        {"term": term, "page": page, "too_short": 0 < len(term.strip()) < selectors.SEARCH_MIN},
        images_of=page.items,
    )
