"""Coded refusals of the linking services (the owner page and the command show the words)."""

from merchant.codes import WordedCode


class LinkingErrorCode(WordedCode):
    NO_REDIRECT_URIS = (
        "no_redirect_uris",
        "Give the skill's redirect URIs, or the vendor id they end with (ALEXA_VENDOR_ID).",
    )
    NOT_SANDBOX = (
        "not_sandbox",
        "Only a store in sandbox mode can link a shopper without the shopper's consent.",
    )
    BAD_REDIRECT_URI = (
        "bad_redirect_uri",
        "{uri} is not a redirect URI: an absolute {schemes} address without a fragment.",
    )
    NOT_THIS_STORE = ("not_this_store", "That platform is not one of this store's.")
    BAD_PLATFORM_NAME = (
        "bad_platform_name",
        "Name the platform (1 to 100 characters), for example Alexa+.",
    )


class LinkingError(Exception):
    def __init__(self, code: LinkingErrorCode, **data: str) -> None:
        self.code = code
        self.message = code.wording.format(**data)
        super().__init__(self.message)
