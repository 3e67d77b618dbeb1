"""Every write to shopper accounts, their addresses, the shared cart, the wish list and the
voice purchase code, and checkout. One module per aggregate; callers use the package:
``from shoppers import services as shoppers; shoppers.cart_add(...)``. Reads live in
``shoppers.selectors``; refusals are ``shoppers.errors.ShopperError`` / ``CheckoutError``.
"""

# Reads the contract names beside the services (they live in shoppers.selectors).
from ..selectors import account_export, default_address, voice_code_locked
from .accounts import (
    account_delete,
    account_password_reset_finish,
    account_password_reset_start,
    account_send_verification,
    account_sign_up,
    account_verify_email,
)
from .addresses import address_add, address_delete, address_set_default, address_update
from .cart import cart_add, cart_empty, cart_remove, cart_set_lines, cart_set_quantity
from .checkout import CheckoutResult, cart_checkout_link, checkout_cart, checkout_items
from .linking import account_attach_alexa_user
from .voice_code import VoiceCodeCheck, voice_code_check, voice_code_clear, voice_code_set
from .wishlist import wishlist_add, wishlist_move_to_cart, wishlist_remove

__all__ = [
    "CheckoutResult",
    "VoiceCodeCheck",
    "account_attach_alexa_user",
    "account_delete",
    "account_export",
    "account_password_reset_finish",
    "account_password_reset_start",
    "account_send_verification",
    "account_sign_up",
    "account_verify_email",
    "address_add",
    "address_delete",
    "address_set_default",
    "address_update",
    "cart_add",
    "cart_checkout_link",
    "cart_empty",
    "cart_remove",
    "cart_set_lines",
    "cart_set_quantity",
    "checkout_cart",
    "checkout_items",
    "default_address",
    "voice_code_check",
    "voice_code_clear",
    "voice_code_locked",
    "voice_code_set",
    "wishlist_add",
    "wishlist_move_to_cart",
    "wishlist_remove",
]
