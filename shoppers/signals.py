"""Receivers of orders' signals and of the order's own saves.

- ``customer_erased`` (a shopper disabled the skill without keeping their data, staff erased
  them, or they deleted their account): their cart and wish list go, and so does their web
  account (addresses, login records, the auth user and with it its OAuth tokens), inside the
  erasure's transaction.
- ``customers_merged``: the cart and the wish list of the merged customer move onto the
  account's customer (quantities of one product in both carts add up; an entry on both wish
  lists is kept once).
- An order saved as placed that a checkout made from a cart (``CartCheckout``): what it
  ordered leaves the cart, once. This covers the order placed later by cards' 3-D Secure
  page as well as the one placed during checkout. The receiver runs under the order's lock
  and locks the checkout row and the cart's lines, never the cart row: a checkout holds the
  cart row while it waits for the customer's draft orders, so taking the cart row here could
  deadlock with it.
"""

from typing import Any

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from orders.models import Customer, Order, OrderStatus
from orders.signals import customer_erased, customers_merged

from .auth import throttle_key
from .models import Cart, CartCheckout, CartLine, ShopperAccount, WishListItem


@receiver(customer_erased, sender=Customer, dispatch_uid="shoppers_erase_web_account")
def erase_web_account(sender: Any, customer: Customer, **kwargs: Any) -> None:
    store_id = customer.store_id
    Cart.objects.filter(store_id=store_id, customer=customer).delete()
    WishListItem.objects.filter(store_id=store_id, customer=customer).delete()
    account = (
        ShopperAccount.objects.select_related("user")
        .filter(store_id=store_id, customer=customer)
        .first()
    )
    if account is None:
        return
    names = [throttle_key(store_id, account.email), account.user.get_username()]
    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__in=names).delete()
    account.user.delete()  # the account and its addresses go with it (CASCADE)


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
def take_placed_order_out_of_cart(
    sender: Any, instance: Order, update_fields: frozenset[str] | None = None, **kwargs: Any
) -> None:
    # Placing writes the status (orders' order_place saves the whole row); saves of other
    # fields (the skill's turn, a tracking number) cost no query here.
    if instance.status != OrderStatus.PLACED or (
        update_fields is not None and "status" not in update_fields
    ):
        return
    # Its own (nested) transaction: the row locks below need one, and an order saved outside
    # a transaction (a script, a test factory) must not fail here.
    with transaction.atomic():
        _take_lines_out_of_cart(instance)


def _take_lines_out_of_cart(instance: Order) -> None:
    checkout = (
        CartCheckout.objects.select_for_update()
        .filter(store_id=instance.store_id, order_id=instance.pk, lines_taken_at__isnull=True)
        .first()
    )
    if checkout is None:
        return
    ordered: dict[int, int] = {}
    for product_id, quantity in instance.lines.values_list("product_id", "quantity"):
        if product_id is not None:
            ordered[product_id] = ordered.get(product_id, 0) + quantity
    for line in (
        CartLine.objects.select_for_update()
        .filter(cart_id=checkout.cart_id, product_id__in=list(ordered))
        .order_by("pk")
    ):
        left = line.quantity - ordered[line.product_id]
        if left > 0:
            line.quantity = left
            line.save(update_fields=["quantity"])
        else:
            line.delete()
    checkout.lines_taken_at = timezone.now()
    checkout.save(update_fields=["lines_taken_at"])
