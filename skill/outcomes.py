"""What a turn did: the ``Interaction.outcome`` labels, all of them, in one place.

Analytics read these strings from the interaction log, so the values never change (the
database keeps the same strings); a new label is added here, never typed in a handler.
Most are fixed (``Outcome``); a few carry a detail and are composed by the functions below
(at most 60 characters, the column's length).
"""

from enum import StrEnum

MAX_LENGTH = 60  # Interaction.outcome


class Outcome(StrEnum):
    # No handler said otherwise.
    ANSWERED = "answered"
    # Opening the store and choosing.
    WELCOME = "welcome"
    OFFER_RESUME = "offer_resume"
    OFFER_REORDER = "offer_reorder"
    BROWSE = "browse"
    BROWSE_CATEGORY = "browse_category"
    BROWSE_CATEGORY_EMPTY = "browse_category_empty"
    PITCH = "pitch"
    CLARIFY_PRODUCT = "clarify_product"
    NOT_AVAILABLE = "not_available"
    BAD_QUANTITY = "bad_quantity"
    ALREADY_OWNED = "already_owned"
    HOME = "home"
    START_OVER = "start_over"
    # Answers to the skill's questions.
    CART_BUILT = "cart_built"
    RESUME = "resume"
    START_ANEW = "start_anew"
    DECLINED_OFFER = "declined_offer"
    KEPT_CART = "kept_cart"
    YES_WITHOUT_QUESTION = "yes_without_question"
    # Re-ordering.
    REORDER = "reorder"
    REORDER_UNAVAILABLE = "reorder_unavailable"
    NOTHING_TO_REORDER = "nothing_to_reorder"
    NO_ORDERS = "no_orders"
    # Checkout: delivery contact, permission, Amazon Pay.
    ADDRESS_PERMISSION_NEEDED = "address_permission_needed"
    ADDRESS_UNAVAILABLE = "address_unavailable"
    NO_DEVICE_ADDRESS = "no_device_address"
    PERMISSION_NEEDED = "permission_needed"
    SETUP_SENT = "setup_sent"
    SETUP_WITHOUT_CART = "setup_without_cart"
    SUMMARY = "summary"
    EMPTY_CART = "empty_cart"
    NOTHING_TO_COMPLETE = "nothing_to_complete"
    CHARGE_SENT = "charge_sent"
    CHARGE_UNKNOWN_ORDER = "charge_unknown_order"
    DECLINED = "declined"
    DUPLICATE_CHARGE_RESULT = "duplicate_charge_result"
    ORDER_PLACED = "order_placed"
    SOLD_OUT_PAYMENT_RELEASED = "sold_out_payment_released"
    AMAZON_PAY_HANDLED = "amazon_pay_handled"
    MERCHANT_ERROR = "merchant_error"
    # After the sale.
    CONFIRM_CANCEL = "confirm_cancel"
    NOTHING_TO_CANCEL = "nothing_to_cancel"
    RETURN_GUIDANCE = "return_guidance"
    ORDER_CANCELLED = "order_cancelled"
    ORDER_KEPT = "order_kept"
    REFUND_GUIDANCE = "refund_guidance"
    REFILL_PLAN_STARTED = "refill_plan_started"
    REFILL_DECLINED = "refill_declined"
    CONFIRM_CANCEL_REFILLS = "confirm_cancel_refills"
    NO_REFILL_PLAN = "no_refill_plan"
    REFILLS_CANCELLED = "refills_cancelled"
    REFILLS_KEPT = "refills_kept"
    # Order notifications on Alexa (offered once after an order is placed).
    OFFER_ORDER_UPDATES = "offer_order_updates"
    ORDER_UPDATES_PERMISSION_ASKED = "order_updates_permission_asked"
    ORDER_UPDATES_DECLINED = "order_updates_declined"
    # Premium content and in-skill purchasing.
    CONTENT_PLAYED = "content_played"
    CONTENT_UNIT_SPENT = "content_unit_spent"
    CONTENT_REPEATED = "content_repeated"
    CONTENT_LOCKED = "content_locked"
    NOTHING_TO_PLAY = "nothing_to_play"
    UPSELL_SENT = "upsell_sent"
    BUY_SENT = "buy_sent"
    ISP_CANCEL_SENT = "isp_cancel_sent"
    FOR_SALE_LISTED = "for_sale_listed"
    NOTHING_FOR_SALE = "nothing_for_sale"
    SHOP_UNAVAILABLE = "shop_unavailable"
    ISP_PRODUCT_INFO = "isp_product_info"
    CLARIFY_ISP_PRODUCT = "clarify_isp_product"
    ISP_ALREADY_OWNED = "isp_already_owned"
    ISP_NOT_FOR_SALE = "isp_not_for_sale"
    OWNED_LISTED = "owned_listed"
    INVENTORY = "inventory"
    CHOOSE_CANCEL = "choose_cancel"
    CHOOSE_REFUND = "choose_refund"
    NO_SUBSCRIPTION = "no_subscription"
    NOTHING_TO_REFUND = "nothing_to_refund"
    PURCHASE_RESULT_FAILED = "purchase_result_failed"
    # A linked web account: the shared cart, the wish list, orders with a saved card.
    LINK_NEEDED = "link_needed"
    LINK_SCOPE_MISSING = "link_scope_missing"
    CART_READ = "cart_read"
    CART_EMPTY_LINKED = "linked_cart_empty"
    CART_ADDED = "cart_added"
    WISH_LIST_ADDED = "wish_list_added"
    WISH_LIST_READ = "wish_list_read"
    WISH_LIST_EMPTY = "wish_list_empty"
    NOT_ON_WISH_LIST = "not_on_wish_list"
    CARD_SUMMARY = "card_summary"
    CARD_ORDER_KEPT = "card_order_kept"
    CARD_ORDER_PLACED = "card_order_placed"
    CARD_DECLINED = "card_declined"
    CARD_NEEDS_AUTHENTICATION = "card_needs_authentication"
    CART_GONE = "cart_gone"
    CART_UNAVAILABLE = "cart_unavailable"
    NO_SAVED_CARD = "no_saved_card"
    NO_SAVED_ADDRESS = "no_saved_address"
    VOICE_CODE_ASKED = "voice_code_asked"
    VOICE_CODE_WRONG = "voice_code_wrong"
    VOICE_CODE_LOCKED = "voice_code_locked"
    VOICE_PURCHASES_PAUSED = "voice_purchases_paused"
    VOICE_CODE_NOT_SET = "voice_code_not_set"
    VOICE_CODE_NOT_ASKED = "voice_code_not_asked"
    # Alexa skill events (no session, no speech).
    SKILL_ENABLED = "skill_enabled"
    SKILL_DISABLED = "skill_disabled"
    CUSTOMER_ERASED = "customer_erased"
    PERMISSIONS_CHANGED = "permissions_changed"
    ACCOUNT_LINKED = "account_linked"
    SUBSCRIPTIONS_CHANGED = "subscriptions_changed"
    DUPLICATE_SKILL_EVENT = "duplicate_skill_event"
    # Built-in intents and other requests.
    FALLBACK = "fallback"
    GOODBYE = "goodbye"
    SKILL_EVENT = "skill_event"
    CAN_FULFILL_NO = "can_fulfill_no"
    UNHANDLED = "unhandled"
    ERROR = "error"


# Labels with a detail ---------------------------------------------------------------------


def help_at(step: str) -> str:
    """Help asked at a conversation step: ``help_<step>``."""
    return f"help_{step}"


def order_status(status: str) -> str:
    """ "Where is my order" answered for an order in ``status``: ``status_<status>``."""
    return f"status_{status}"


def session_ended(reason: str | None) -> str:
    """``session_ended_<reason>`` (user_initiated, error, exceeded_max_reprompts, unknown)."""
    return f"session_ended_{reason.lower() if reason else 'unknown'}"


def agreement(status: str) -> str:
    """A Setup result whose billing agreement is not OPEN: ``agreement_<status>``."""
    return f"agreement_{status.lower() or 'missing'}"


def place_refused(code: str) -> str:
    """Placing the order was refused by ``orders``: ``place_refused:<error code>``."""
    return f"place_refused:{code}"[:MAX_LENGTH]


def cancel_refused(code: str) -> str:
    return f"cancel_refused:{code}"[:MAX_LENGTH]


def refill_refused(code: str) -> str:
    return f"refill_refused:{code}"[:MAX_LENGTH]


def purchase_result(name: str, result: str) -> str:
    """A ``Connections.Response`` of an in-skill purchase: ``isp_<Buy|Upsell|Cancel>:<result>``."""
    return f"isp_{name}:{result}"[:MAX_LENGTH]
