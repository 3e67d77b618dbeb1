"""The skill's handlers, in the order ask-sdk-core tries them (first match wins)."""

from .after_sale import (
    CancelOrderHandler,
    CancelRefillsHandler,
    OrderStatusHandler,
    RefundHandler,
)
from .answers import NoHandler, YesHandler
from .builtins import (
    AnythingElseHandler,
    ApologyHandler,
    CanFulfillHandler,
    FallbackHandler,
    HelpHandler,
    LoadShopper,
    SessionEndedHandler,
    StopHandler,
)
from .card_checkout import OrderCartHandler, OrderFromWishListHandler, VoiceCodeHandler
from .checkout import ChargeResultHandler, SetupResultHandler
from .events import SKILL_EVENT_HANDLERS
from .in_skill import (
    BuyHandler,
    ContentHandler,
    InventoryHandler,
    IspProductInfoHandler,
    RerouteToIspHandler,
    WhatCanIBuyHandler,
    WhatHaveIBoughtHandler,
)
from .linked import (
    AddToCartHandler,
    AddToWishListHandler,
    CartContentsHandler,
    WishListContentsHandler,
)
from .purchases import PurchaseResultHandler
from .shopping import (
    BrowseHandler,
    LaunchHandler,
    NavigateHomeHandler,
    OrderProductHandler,
    ProductInfoHandler,
    ReorderHandler,
    StartOverHandler,
)

REQUEST_HANDLERS = [
    *SKILL_EVENT_HANDLERS,
    LaunchHandler(),
    SetupResultHandler(),
    ChargeResultHandler(),
    PurchaseResultHandler(),
    RerouteToIspHandler(),
    VoiceCodeHandler(),
    OrderProductHandler(),
    ProductInfoHandler(),
    BrowseHandler(),
    YesHandler(),
    NoHandler(),
    ContentHandler(),
    WhatCanIBuyHandler(),
    WhatHaveIBoughtHandler(),
    IspProductInfoHandler(),
    BuyHandler(),
    InventoryHandler(),
    ReorderHandler(),
    CartContentsHandler(),
    AddToCartHandler(),
    OrderCartHandler(),
    AddToWishListHandler(),
    WishListContentsHandler(),
    OrderFromWishListHandler(),
    OrderStatusHandler(),
    CancelOrderHandler(),
    RefundHandler(),
    CancelRefillsHandler(),
    StartOverHandler(),
    NavigateHomeHandler(),
    HelpHandler(),
    FallbackHandler(),
    StopHandler(),
    SessionEndedHandler(),
    CanFulfillHandler(),
    AnythingElseHandler(),
]
REQUEST_INTERCEPTORS = [LoadShopper()]
EXCEPTION_HANDLERS = [ApologyHandler()]
