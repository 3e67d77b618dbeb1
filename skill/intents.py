"""The skill's intents and slot types: the contract between the handlers and the exported
interaction model. Names here are what Alexa sends in ``request.intent.name``."""

# Custom intents.
ORDER_PRODUCT = "OrderProductIntent"  # "order a starter kit", "two packs of refills"
PRODUCT_INFO = "ProductInfoIntent"  # "tell me about the starter kit", "how much are refills"
BROWSE = "BrowseCatalogIntent"  # "what do you have", "what refills do you sell"
REORDER = "ReorderIntent"  # "reorder", "order my usual"
ORDER_STATUS = "OrderStatusIntent"  # "where is my order"
CANCEL_ORDER = "CancelOrderIntent"  # "cancel my order" (not AMAZON.CancelIntent)
REFUND = "RefundIntent"  # "I want a refund"
CANCEL_REFILLS = "CancelRefillPlanIntent"  # "cancel my refills"
START_OVER = "StartOverIntent"  # "start over", "new order"
# In-skill purchasing and content (premium content handlers, skill/handlers/premium.py).
CONTENT = "ContentIntent"  # "give me a tip", "play a sleep session"
WHAT_CAN_I_BUY = "WhatCanIBuyIntent"  # "what can I buy" (this exact phrase is a sample)
WHAT_HAVE_I_BOUGHT = "WhatHaveIBoughtIntent"  # "what have I bought"
ISP_PRODUCT_INFO = "InSkillProductInfoIntent"  # "tell me about the pro pack"
BUY = "BuyIntent"  # "buy the pro pack": a Buy directive, no "learn more" step
CANCEL_SUBSCRIPTION = "CancelSubscriptionIntent"  # "cancel my shave club membership"
REFUND_ISP = "RefundInSkillProductIntent"  # "refund the pro pack", "return guided sessions"
INVENTORY = "InventoryIntent"  # "how many guided sessions do I have left"
# The shopper's web account, linked to Alexa (skill/handlers/linked.py, card_checkout.py).
CART_CONTENTS = "CartContentsIntent"  # "what's in my cart"
ORDER_CART = "OrderCartIntent"  # "order my cart"
ADD_TO_CART = "AddToCartIntent"  # "add {Product} to my cart"
ADD_TO_WISH_LIST = "AddToWishListIntent"  # "add {Product} to my wish list"
WISH_LIST_CONTENTS = "WishListContentsIntent"  # "what's on my wish list"
ORDER_FROM_WISH_LIST = "OrderFromWishListIntent"  # "order {Product} from my wish list"
VOICE_CODE = "VoicePurchaseCodeIntent"  # "{Code}", "my code is {Code}"

# Slots and their types.
PRODUCT_SLOT = "Product"
QUANTITY_SLOT = "Quantity"
CATEGORY_SLOT = "Category"
PRODUCT_TYPE = "PRODUCT"
CATEGORY_TYPE = "CATEGORY"
ISP_PRODUCT_SLOT = "ProductName"
ISP_PRODUCT_TYPE = "IN_SKILL_PRODUCT"  # id: the reference name; value: the spoken name
COLLECTION_SLOT = "Collection"
COLLECTION_TYPE = "CONTENT_COLLECTION"  # id: str(pk); value: the spoken name
CODE_SLOT = "Code"
CODE_TYPE = "AMAZON.FOUR_DIGIT_NUMBER"  # the voice purchase code: never logged

# Built-in intents the skill handles.
YES = "AMAZON.YesIntent"
NO = "AMAZON.NoIntent"
HELP = "AMAZON.HelpIntent"
STOP = "AMAZON.StopIntent"
CANCEL = "AMAZON.CancelIntent"
FALLBACK = "AMAZON.FallbackIntent"
NAVIGATE_HOME = "AMAZON.NavigateHomeIntent"
BUILT_INS = [YES, NO, HELP, STOP, CANCEL, FALLBACK, NAVIGATE_HOME]

CUSTOM = {
    ORDER_PRODUCT: {PRODUCT_SLOT: PRODUCT_TYPE, QUANTITY_SLOT: "AMAZON.NUMBER"},
    PRODUCT_INFO: {PRODUCT_SLOT: PRODUCT_TYPE},
    BROWSE: {CATEGORY_SLOT: CATEGORY_TYPE},
    REORDER: {},
    ORDER_STATUS: {},
    CANCEL_ORDER: {},
    REFUND: {},
    CANCEL_REFILLS: {},
    START_OVER: {},
    CART_CONTENTS: {},
    ORDER_CART: {},
    ADD_TO_CART: {PRODUCT_SLOT: PRODUCT_TYPE},
    ADD_TO_WISH_LIST: {PRODUCT_SLOT: PRODUCT_TYPE},
    WISH_LIST_CONTENTS: {},
    ORDER_FROM_WISH_LIST: {PRODUCT_SLOT: PRODUCT_TYPE},
    VOICE_CODE: {CODE_SLOT: CODE_TYPE},
}
# Intents that need the shopper's linked web account (exported only where the store has an
# account-linking client: without one no shopper can link).
LINKED_ACCOUNT = frozenset(
    {
        CART_CONTENTS,
        ORDER_CART,
        ADD_TO_CART,
        ADD_TO_WISH_LIST,
        WISH_LIST_CONTENTS,
        ORDER_FROM_WISH_LIST,
        VOICE_CODE,
    }
)
# Slots whose values are secrets: the interaction log keeps their name, never the value.
SECRET_SLOTS = frozenset({CODE_SLOT})
# Intents of stores that sell in-skill products or have content (exported only for them).
ISP = {
    CONTENT: {COLLECTION_SLOT: COLLECTION_TYPE},
    WHAT_CAN_I_BUY: {},
    WHAT_HAVE_I_BOUGHT: {},
    ISP_PRODUCT_INFO: {ISP_PRODUCT_SLOT: ISP_PRODUCT_TYPE},
    BUY: {ISP_PRODUCT_SLOT: ISP_PRODUCT_TYPE},
    CANCEL_SUBSCRIPTION: {ISP_PRODUCT_SLOT: ISP_PRODUCT_TYPE},
    REFUND_ISP: {ISP_PRODUCT_SLOT: ISP_PRODUCT_TYPE},
    INVENTORY: {ISP_PRODUCT_SLOT: ISP_PRODUCT_TYPE},
}
