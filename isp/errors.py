"""Coded refusals of the isp services, each with the sentence staff read (as in
``orders/errors.py``); the skill turns the code into speech."""

from merchant.codes import WordedCode


class IspErrorCode(WordedCode):
    NO_UNITS_LEFT = "no_units_left", "No units of {product} are left."
    NOT_CONSUMABLE = "not_consumable", "{product} is not a consumable."
    OTHER_STORE = "other_store", "That product belongs to another store."
    NEEDS_REFUND_PERMISSION = (
        "needs_refund_permission",
        "Granting units gives value away: it needs the refund permission.",
    )
    BAD_UNITS = "bad_units", "Grant between 1 and {max} units."
    REASON_REQUIRED = "reason_required", "Say why the units are granted."
    UNKNOWN_PRODUCT = "unknown_product", "This store has no product {product_id}."
    LIVE_PURCHASES = (
        "live_purchases",
        "This shopper has live purchases: only a test shopper's purchases can be reset.",
    )
    HAS_BUYERS = (
        "has_buyers",
        "Shoppers have bought {product}: Amazon keeps it for them, so it cannot be deleted. "
        "Untick “purchasable” to stop new sales instead.",
    )


class IspError(Exception):
    def __init__(self, code: IspErrorCode, **data):
        self.code = code
        self.data = data
        super().__init__(code.wording.format(**data))


def error_message(exc: IspError) -> str:
    return str(exc)
