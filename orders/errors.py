"""Coded domain errors. The admin, the API and the skill each turn a code into their words."""


class OrderError(Exception):
    """A refused change. ``code`` is stable; ``message`` is for logs and staff."""

    def __init__(self, code: str, message: str = "", **data):
        self.code = code
        self.message = message or code
        self.data = data
        super().__init__(f"{code}: {self.message}")
