"""Receivers of orders' signals and of the order's own saves.

- ``customers_merged``: the cart and the wish list of the merged customer move onto the
  account's customer (quantities of one product in both carts add up; an entry on both wish
  lists is kept once).
- An order saved as placed that a cart's checkout waits on (``Cart.pending_order``): its
  lines leave the cart. This covers the order placed later by cards' 3-D Secure page as well
  as the one placed at checkout.
"""

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from orders.models import Customer, Order, OrderStatus
from orders.signals import customers_merged

from .models import Cart, CartLine, WishListItem


@receiver(customers_merged, sender=Customer, dispatch_uid="shoppers_move_cart_and_wish_list")
def move_cart_and_wish_list(sender: Any, into: Customer, other: Customer, **kwargs: Any) -> None:
    store_id = into.store_id
    old_cart = Cart.objects.select_for_update().filter(store_id=store_id, customer=other).first()
    if old_cart is not None:
        cart, _ = Cart.objects.get_or_create(customer=into, defaults={"store_id": store_id})
        cart = Cart.objects.select_for_update().get(pk=cart.pk)
        mine = {line.product_id: line for line in CartLine.objects.filter(cart=cart)}
        for line in CartLine.objects.filter(cart=old_cart).order_by("pk"):
            if line.product_id in mine:
                kept = mine[line.product_id]
                kept.quantity += line.quantity
                kept.save(update_fields=["quantity"])
            else:
                CartLine.objects.create(
                    store_id=store_id, cart=cart, product_id=line.product_id, quantity=line.quantity
                )
        old_cart.delete()
        cart.save(update_fields=["updated_at"])
    wanted = set(
        WishListItem.objects.filter(store_id=store_id, customer=into).values_list(
            "product_id", flat=True
        )
    )
    WishListItem.objects.filter(store_id=store_id, customer=other, product_id__in=wanted).delete()
    WishListItem.objects.filter(store_id=store_id, customer=other).update(customer=into)


@receiver(post_save, sender=Order, dispatch_uid="shoppers_take_placed_lines_out_of_cart")
def take_placed_order_out_of_cart(sender: Any, instance: Order, **kwargs: Any) -> None:
    if instance.status != OrderStatus.PLACED:
        return
    cart = (
        Cart.objects.select_for_update()
        .filter(store_id=instance.store_id, pending_order_id=instance.pk)
        .first()
    )
    if cart is None:
        return
    ordered: dict[int, int] = {}
    for product_id, quantity in instance.lines.values_list("product_id", "quantity"):
        if product_id is not None:
            ordered[product_id] = ordered.get(product_id, 0) + quantity
    take_ordered_lines(cart, ordered)
    cart.pending_order = None
    cart.save(update_fields=["pending_order", "updated_at"])


def take_ordered_lines(cart: Cart, ordered: dict[int, int]) -> None:
    """Take what an order placed (product id -> quantity) out of the locked cart: a line
    loses the quantity ordered, and goes when nothing is left."""
    for line in CartLine.objects.filter(cart=cart, product_id__in=list(ordered)).order_by("pk"):
        left = line.quantity - ordered[line.product_id]
        if left > 0:
            line.quantity = left
            line.save(update_fields=["quantity"])
        else:
            line.delete()
