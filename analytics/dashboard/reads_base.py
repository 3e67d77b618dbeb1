"""What the dashboard's reads share: the limits of its lists and how a test shopper (one
seen through the voice test console) is recognised."""

from django.db.models import (
    Exists,
    OuterRef,
)

from isp.facts import DirectiveName
from skill.models import Interaction

from ..conversations import PRODUCT_INTENTS as PRODUCT_INTENTS  # where the dashboard finds it
from ..raw import CONSOLE

TOP = 10
TOP_WORDS = 20
SALES = (DirectiveName.BUY, DirectiveName.UPSELL)  # Cancel is not a sale
RETENTION_WEEKS = 12  # the console's grid: weeks 0..11


def console_shopper(outer: str) -> Exists:
    """The shopper ``outer`` names talked to the store through the voice test console: a
    test shopper (their plans and suggestions are test traffic)."""
    return Exists(Interaction.objects.filter(customer=OuterRef(outer), source=CONSOLE))
