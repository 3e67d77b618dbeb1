"""The wish list: products saved for later, one entry per product."""

from django.db import transaction

from catalog.models import Product
from orders.models import Customer

from ..errors import ShopperError, ShopperErrorCode
from ..models import CartLine, WishListItem
from .cart import cart_add


def wishlist_add(*, customer: Customer, product: Product) -> WishListItem:
    """Save the product (once: saving it again returns the same entry)."""
    if product.store_id != customer.store_id:
        raise ShopperError(ShopperErrorCode.NOT_FOUND)
    item, _ = WishListItem.objects.get_or_create(
        customer=customer, product=product, defaults={"store_id": customer.store_id}
    )
    return item


def wishlist_remove(*, customer: Customer, product: Product) -> None:
    if product.store_id != customer.store_id:
        raise ShopperError(ShopperErrorCode.NOT_FOUND)
    WishListItem.objects.filter(
        store_id=customer.store_id, customer=customer, product=product
    ).delete()


@transaction.atomic
def wishlist_move_to_cart(*, customer: Customer, product: Product, quantity: int = 1) -> CartLine:
    """Put the saved product in the cart and take it off the wish list (both or neither)."""
    if not WishListItem.objects.filter(
        store_id=customer.store_id, customer=customer, product=product
    ).exists():
        raise ShopperError(ShopperErrorCode.NOT_FOUND)
    line = cart_add(customer=customer, product=product, quantity=quantity)
    wishlist_remove(customer=customer, product=product)
    return line
