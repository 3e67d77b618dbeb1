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
    SkillEventHandler,
    StopHandler,
)
from .checkout import ChargeResultHandler, SetupResultHandler
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
    LaunchHandler(),
    SetupResultHandler(),
    ChargeResultHandler(),
    OrderProductHandler(),
    ProductInfoHandler(),
    BrowseHandler(),
    YesHandler(),
    NoHandler(),
    ReorderHandler(),
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
    SkillEventHandler(),
    CanFulfillHandler(),
    AnythingElseHandler(),
]
REQUEST_INTERCEPTORS = [LoadShopper()]
EXCEPTION_HANDLERS = [ApologyHandler()]
