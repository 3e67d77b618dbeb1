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

# Slots and their types.
PRODUCT_SLOT = "Product"
QUANTITY_SLOT = "Quantity"
CATEGORY_SLOT = "Category"
PRODUCT_TYPE = "PRODUCT"
CATEGORY_TYPE = "CATEGORY"

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
}
