"""The shared cart: lines of products of the customer's store, quantities checked against
stock as they are set (checkout checks again when it orders)."""

from django.db import transaction

from catalog.models import Product
from orders.models import Customer

from ..errors import ShopperError, ShopperErrorCode
from ..models import Cart, CartLine


def lock_cart(customer: Customer) -> Cart:
    """The customer's cart row (made on first use), locked: every change to a cart and every
    checkout of it take this lock first, so they happen one after the other."""
    Cart.objects.get_or_create(customer=customer, defaults={"store_id": customer.store_id})
    return Cart.objects.select_for_update().get(customer=customer, store_id=customer.store_id)


def _check(customer: Customer, product: Product, quantity: int) -> None:
    if product.store_id != customer.store_id:
        raise ShopperError(ShopperErrorCode.NOT_FOUND)
    if quantity < 1:
        raise ShopperError(ShopperErrorCode.BAD_QUANTITY)
    if not product.is_sellable(quantity):
        raise ShopperError(ShopperErrorCode.OUT_OF_STOCK, name=product.name)


@transaction.atomic
def cart_add(*, customer: Customer, product: Product, quantity: int = 1) -> CartLine:
    """Put ``quantity`` more of ``product`` in the cart."""
    if quantity < 1:
        raise ShopperError(ShopperErrorCode.BAD_QUANTITY)
    cart = lock_cart(customer)
    line = CartLine.objects.select_for_update().filter(cart=cart, product=product).first()
    total = quantity + (line.quantity if line else 0)
    _check(customer, product, total)
    if line is None:
        line = CartLine.objects.create(
            store_id=cart.store_id, cart=cart, product=product, quantity=total
        )
    else:
        line.quantity = total
        line.save(update_fields=["quantity"])
    cart.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def cart_set_quantity(*, customer: Customer, product: Product, quantity: int) -> CartLine | None:
    """The line's quantity becomes ``quantity``; 0 removes the line (returns None)."""
    if quantity == 0:
        cart_remove(customer=customer, product=product)
        return None
    _check(customer, product, quantity)
    cart = lock_cart(customer)
    line, created = CartLine.objects.get_or_create(
        cart=cart, product=product, defaults={"store_id": cart.store_id, "quantity": quantity}
    )
    if not created and line.quantity != quantity:
        line.quantity = quantity
        line.save(update_fields=["quantity"])
    cart.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def cart_remove(*, customer: Customer, product: Product) -> None:
    if product.store_id != customer.store_id:
        raise ShopperError(ShopperErrorCode.NOT_FOUND)
    cart = lock_cart(customer)
    if CartLine.objects.filter(cart=cart, product=product).delete()[0]:
        cart.save(update_fields=["updated_at"])


@transaction.atomic
def cart_set_lines(
    *, customer: Customer, items: list[tuple[Product, int]], replace: bool
) -> list[CartLine]:
    """The cart's lines for ``items`` (product, quantity) become those quantities; with
    ``replace`` every other line leaves the cart (a full replacement), without it they stay.
    Quantities are checked as ``cart_set_quantity`` checks them. Returns the cart's lines."""
    cart = lock_cart(customer)
    for product, quantity in items:
        _check(customer, product, quantity)
    wanted = {product.pk: quantity for product, quantity in items}
    lines = {line.product_id: line for line in CartLine.objects.filter(cart=cart)}
    if replace:
        gone = [line.pk for pid, line in lines.items() if pid not in wanted]
        CartLine.objects.filter(cart=cart, pk__in=gone).delete()
    for product, quantity in items:
        line = lines.get(product.pk)
        if line is None:
            lines[product.pk] = CartLine.objects.create(
                store_id=cart.store_id, cart=cart, product=product, quantity=quantity
            )
        elif line.quantity != quantity:
            line.quantity = quantity
            line.save(update_fields=["quantity"])
    cart.save(update_fields=["updated_at"])
    return list(CartLine.objects.filter(cart=cart).select_related("product").order_by("pk"))


@transaction.atomic
def cart_empty(*, customer: Customer) -> None:
    cart = lock_cart(customer)
    CartLine.objects.filter(cart=cart).delete()
    cart.save(update_fields=["updated_at"])
