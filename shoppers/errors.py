"""Coded refusals of the shoppers services; the shop turns them into form errors, the skill
into speech. Codes are ``StrEnum`` members (``exc.code == "empty_cart"`` works)."""

from typing import Any

from merchant.codes import WordedCode


class ShopperErrorCode(WordedCode):
    EMAIL_TAKEN = "email_taken", "An account with this email already exists at this store."
    BAD_LINK = "bad_link", "This link is not valid any more. Ask for a new one."
    NOT_FOUND = "not_found", "There is no such item in this account."
    BAD_QUANTITY = "bad_quantity", "Quantities start at one."
    OUT_OF_STOCK = "out_of_stock", "{name} is not available in that quantity."
    BAD_VOICE_CODE = "bad_voice_code", "The voice purchase code is four digits."
    ALEXA_USER_TAKEN = "alexa_user_taken", "This Alexa user belongs to another store's customer."
    NO_CODE = "no_code", "Type the discount code."
    CODE_UNKNOWN = "code_unknown", "There is no discount code {discount} in this shop."
    CODE_EXPIRED = "code_expired", "The discount code {discount} has expired."
    CODE_NOT_YET_VALID = "code_not_yet_valid", "The discount code {discount} is not valid yet."
    CODE_USED_UP = "code_used_up", "The discount code {discount} has been used up."
    CODE_INACTIVE = "code_inactive", "The discount code {discount} is no longer offered."
    TOO_MANY_CODES = "too_many_codes", "A cart takes at most {limit} discount codes."


class CheckoutErrorCode(WordedCode):
    EMPTY_CART = "empty_cart", "Your cart is empty."
    OUT_OF_STOCK = "out_of_stock", "Some items are no longer available: {names}."
    NO_ADDRESS = "no_address", "Choose a delivery address."
    NO_CARD = "no_card", "Choose a card to pay with."
    DISCOUNT_UNAVAILABLE = (
        "discount_unavailable",
        "The discount code {discount} can no longer be used: remove it from your cart to go on.",
    )


# Why a discount code does not apply (discounts.selectors.RejectedCode.reason), in words.
DISCOUNT_REJECTIONS = {
    "unknown": ShopperErrorCode.CODE_UNKNOWN,
    "expired": ShopperErrorCode.CODE_EXPIRED,
    "not_yet_valid": ShopperErrorCode.CODE_NOT_YET_VALID,
    "used_up": ShopperErrorCode.CODE_USED_UP,
    "inactive": ShopperErrorCode.CODE_INACTIVE,
}


class ShopperError(Exception):
    def __init__(self, code: ShopperErrorCode, message: str = "", **data: Any) -> None:
        self.code = code
        self.data = data
        self.message = message or code.wording.format(**data)
        super().__init__(self.message)


class CheckoutError(Exception):
    """``code`` and ``message`` (the shopper's wording); ``data`` e.g. ``names`` of the
    products that are no longer available."""

    def __init__(self, code: CheckoutErrorCode, message: str = "", **data: Any) -> None:
        self.code = code
        self.data = data
        self.message = message or code.wording.format(**data)
        super().__init__(self.message)
