"""Why a discount code cannot be redeemed."""


class DiscountUnavailable(Exception):
    """The code expired, was switched off or was used up since it was priced."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(f"The discount code {code} can no longer be used.")
