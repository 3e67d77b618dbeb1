"""The cart (shared with voice: one per customer) and the wish list.

Every change is a POST naming a product of this store; a product of another store is not
found. The cart is shown as ``cart_summary`` prices it, with the same tax and shipping the
voice flow charges.
"""

from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET, require_POST

from shoppers import selectors as shopper_reads
from shoppers import services as shoppers
from shoppers.errors import CheckoutError, ShopperError

from .. import selectors
from ..forms import AddToCartForm, DiscountCodeForm, QuantityForm
from ..pages import SignedInRequest, render_page, shopper_page


def _back_to_cart(request: SignedInRequest) -> HttpResponse:
    return redirect("shop:cart", request.store.slug)


@require_GET
@shopper_page
def cart(request: SignedInRequest) -> HttpResponse:
    summary = shopper_reads.cart_summary(request.shopper.customer)
    return render_page(
        request, "shop/cart.html", {"summary": summary, "discount_form": DiscountCodeForm()}
    )


@require_POST
@shopper_page
def discount_apply(request: SignedInRequest) -> HttpResponse:
    """Enter a discount code: on the cart at once (counted only when an order is placed);
    one that does not apply is a form error in words, and the cart stays as it was."""
    form = DiscountCodeForm(request.POST)
    if form.is_valid():
        try:
            code = shoppers.cart_apply_discount_code(
                customer=request.shopper.customer, code=form.cleaned_data["code"]
            )
        except ShopperError as exc:
            form.add_error("code", exc.message)
        else:
            messages.success(request, f"The discount code {code} is on your cart.")
            return _back_to_cart(request)
    summary = shopper_reads.cart_summary(request.shopper.customer)
    return render_page(
        request, "shop/cart.html", {"summary": summary, "discount_form": form}, status=400
    )


@require_POST
@shopper_page
def discount_remove(request: SignedInRequest) -> HttpResponse:
    code = request.POST.get("code", "")[:40]
    shoppers.cart_remove_discount_code(customer=request.shopper.customer, code=code)
    messages.success(request, f"The discount code {code.strip()} is off your cart.")
    return _back_to_cart(request)


@require_POST
@shopper_page
def cart_add(request: SignedInRequest, product_id: int) -> HttpResponse:
    product = selectors.shop_product(store=request.store, product_id=product_id)
    form = AddToCartForm(request.POST)
    if not form.is_valid():
        return render_page(
            request,
            "shop/product.html",
            {"product": product, "form": form, "on_wishlist": False},
            status=400,
            images_of=[product],
        )
    try:
        shoppers.cart_add(
            customer=request.shopper.customer,
            product=product,
            quantity=form.cleaned_data["quantity"],
        )
    except (CheckoutError, ShopperError) as exc:
        form.add_error("quantity", exc.message)
        return render_page(
            request,
            "shop/product.html",
            {"product": product, "form": form, "on_wishlist": False},
            status=409,
            images_of=[product],
        )
    messages.success(request, f"{product.name} is in your cart.")
    return _back_to_cart(request)


@require_POST
@shopper_page
def cart_update(request: SignedInRequest, product_id: int) -> HttpResponse:
    product = selectors.any_product(store=request.store, product_id=product_id)
    form = QuantityForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            shoppers.cart_set_quantity(
                customer=request.shopper.customer,
                product=product,
                quantity=form.cleaned_data["quantity"],
            )
        except (CheckoutError, ShopperError) as exc:
            error = exc.message
    else:
        error = " ".join(str(message) for message in form.errors["quantity"])
    if error:
        summary = shopper_reads.cart_summary(request.shopper.customer)
        return render_page(
            request,
            "shop/cart.html",
            {"summary": summary, "line_errors": {product.pk: error}},
            status=400,
        )
    return _back_to_cart(request)


@require_POST
@shopper_page
def cart_remove(request: SignedInRequest, product_id: int) -> HttpResponse:
    product = selectors.any_product(store=request.store, product_id=product_id)
    shoppers.cart_remove(customer=request.shopper.customer, product=product)
    messages.success(request, f"{product.name} is out of your cart.")
    return _back_to_cart(request)


@require_POST
@shopper_page
def cart_save_for_later(request: SignedInRequest, product_id: int) -> HttpResponse:
    """Out of the cart, onto the wish list: both or neither."""
    product = selectors.any_product(store=request.store, product_id=product_id)
    customer = request.shopper.customer
    with transaction.atomic():
        shoppers.wishlist_add(customer=customer, product=product)
        shoppers.cart_remove(customer=customer, product=product)
    messages.success(request, f"{product.name} is saved on your wish list.")
    return _back_to_cart(request)


@require_GET
@shopper_page
def wishlist(request: SignedInRequest) -> HttpResponse:
    items = shopper_reads.wishlist_items(request.shopper.customer)
    return render_page(request, "shop/wishlist.html", {"items": items})


@require_POST
@shopper_page
def wishlist_add(request: SignedInRequest, product_id: int) -> HttpResponse:
    product = selectors.shop_product(store=request.store, product_id=product_id)
    shoppers.wishlist_add(customer=request.shopper.customer, product=product)
    messages.success(request, f"{product.name} is on your wish list.")
    return redirect("shop:wishlist", request.store.slug)


@require_POST
@shopper_page
def wishlist_remove(request: SignedInRequest, product_id: int) -> HttpResponse:
    product = selectors.any_product(store=request.store, product_id=product_id)
    shoppers.wishlist_remove(customer=request.shopper.customer, product=product)
    messages.success(request, f"{product.name} is off your wish list.")
    return redirect("shop:wishlist", request.store.slug)


@require_POST
@shopper_page
def wishlist_move_to_cart(request: SignedInRequest, product_id: int) -> HttpResponse:
    product = selectors.any_product(store=request.store, product_id=product_id)
    try:
        shoppers.wishlist_move_to_cart(customer=request.shopper.customer, product=product)
    except (CheckoutError, ShopperError) as exc:
        messages.error(request, exc.message)
        return redirect("shop:wishlist", request.store.slug)
    messages.success(request, f"{product.name} moved to your cart.")
    return _back_to_cart(request)
