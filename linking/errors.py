"""Coded refusals of the linking services (the owner page and the command show the words)."""

from merchant.codes import WordedCode


class LinkingErrorCode(WordedCode):
    NO_REDIRECT_URIS = (
        "no_redirect_uris",
        "Give the skill's redirect URIs, or the vendor id they end with (ALEXA_VENDOR_ID).",
    )
    BAD_REDIRECT_URI = (
        "bad_redirect_uri",
        "{uri} is not a redirect URI: an absolute {schemes} address without a fragment.",
    )


class LinkingError(Exception):
    def __init__(self, code: LinkingErrorCode, **data: str) -> None:
        self.code = code
        self.message = code.wording.format(**data)
        super().__init__(self.message)
