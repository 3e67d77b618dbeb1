"""Amazon's account-linking redirect URIs: ``https://<host>/api/skill/link/<vendor id>`` on the
four hosts Alexa answers from (the developer console lists the same for every skill)."""

ALEXA_LINK_HOSTS = (
    "pitangui.amazon.com",
    "layla.amazon.com",
    "alexa.amazon.co.jp",
    "skills-store.amazon.com",
)


def alexa_redirect_uris(vendor_id: str) -> list[str]:
    return [f"https://{host}/api/skill/link/{vendor_id}" for host in ALEXA_LINK_HOSTS]
