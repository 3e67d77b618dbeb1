"""What the card services refuse with. Callers (the shop's views, the skill's checkout)
turn them into a form error, a redirect or words."""


class CardError(Exception):
    """Base of the card errors; ``message`` can be shown to the shopper."""

    def __init__(self, message: str, code: str = ""):
        self.message = message
        self.code = code
        super().__init__(message)


class CardDeclined(CardError):
    """The card was not charged; nothing was placed and the order stays a draft."""


class StripeUnavailable(CardDeclined):
    """Stripe could not be reached or refused the call: nothing was placed (a retry with the
    same reference is safe)."""


class CardNeedsAuthentication(CardError):
    """The bank wants the shopper to authenticate (3-D Secure): nothing is placed until the
    shopper finishes on the page at ``finish_url`` (an email with the link is on its way)."""

    def __init__(self, finish_url: str):
        self.finish_url = finish_url
        super().__init__(
            "Your bank wants you to confirm this payment. We sent you a link to finish it.",
            code="authentication_required",
        )


class CardSetupFailed(CardError):
    """A card could not be saved (declined, not authenticated, another shopper's setup)."""


class CardNotFound(CardError):
    """No such card of this shopper."""


class StripeNotConfigured(CardError):
    """The store has no Stripe keys and none are set in the environment."""


class NotLocalStripe(CardError):
    """Raw card numbers are only accepted by localstripe (tests and the demo)."""
