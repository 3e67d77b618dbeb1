"""Shopper accounts of one store, their address book, the cart that web and voice share and
the wish list.

A shopper account is a Django auth user (never staff, no store membership, a user name no one
types) with a ``ShopperAccount`` that ties it to one store and to that store's ``Customer``.
The same email at two stores is two accounts: the email is unique per store, not per
portal, which is why shoppers sign in through ``shoppers.auth.ShopperBackend`` (store + email
+ password) instead of by user name. The cart and the wish list hang on the ``Customer``, so
once the account is linked to Alexa the voice turn (keyed on the customer) and the web shop
see one cart and one wish list.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from catalog.models import Product
from merchant.models import Store
from orders.models import Customer, Order


class ShopperAccount(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="shopper_accounts")
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shopper_account"
    )
    # A web account always has a customer: alexa_user_id "web:<uuid>" until linked to Alexa.
    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, related_name="shopper_account"
    )
    email = models.EmailField(help_text="Lower-cased; the sign-in name at this store.")
    name = models.CharField(max_length=120, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    # The four-digit voice purchase code (hashed like a password); three wrong codes in a row
    # lock voice purchases until voice_code_locked_until.
    voice_code_hash = models.CharField(max_length=128, blank=True)
    voice_code_failures = models.PositiveSmallIntegerField(default=0)
    voice_code_locked_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["store", "email"], name="shopper_account_unique_email_in_store"
            )
        ]

    def __str__(self) -> str:
        return self.email

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None


class ShopperAddress(models.Model):
    """One entry of the account's address book."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    account = models.ForeignKey(ShopperAccount, on_delete=models.CASCADE, related_name="addresses")
    name = models.CharField(max_length=120)
    line1 = models.CharField(max_length=180)
    line2 = models.CharField(max_length=180, blank=True)
    city = models.CharField(max_length=100)
    region = models.CharField("state or region", max_length=100, blank=True)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2, e.g. US.")
    phone = models.CharField(max_length=40, blank=True)
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(is_default=True),
                name="shopper_address_one_default",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.line1}, {self.city}"

    def as_order_address(self) -> dict[str, str]:
        """The address in Amazon's shape, as orders and customers keep it."""
        return {
            "name": self.name,
            "addressLine1": self.line1,
            "addressLine2": self.line2,
            "city": self.city,
            "stateOrRegion": self.region,
            "postalCode": self.postal_code,
            "countryCode": self.country,
            "phone": self.phone,
        }


class Cart(models.Model):
    """The one cart of a customer, shared by the web shop and the linked voice skill."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, related_name="shared_cart")
    # The discount codes (discounts app) the shopper entered, as the store wrote them; priced
    # with the cart and given to the order at checkout, which counts their use.
    discount_codes = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Cart of customer {self.customer_id}"


class CartLine(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField()
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="cart_line_unique_product"),
            models.CheckConstraint(condition=Q(quantity__gte=1), name="cart_line_quantity_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × product {self.product_id}"


class CartCheckout(models.Model):
    """An order made from the cart by checkout. When the order is placed (at once, or later
    by the 3-D Secure page) what it ordered leaves the cart, once (``lines_taken_at``;
    ``shoppers.signals``)."""

    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="checkouts")
    order = models.OneToOneField(Order, on_delete=models.CASCADE, related_name="+")
    lines_taken_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Order {self.order_id} from cart {self.cart_id}"


class WishListItem(models.Model):
    store = models.ForeignKey(Store, on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="wishlist_items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "product"], name="wishlist_item_unique_product"
            )
        ]

    def __str__(self) -> str:
        return f"Product {self.product_id} on customer {self.customer_id}'s wish list"
