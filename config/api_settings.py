"""The REST API's settings (``/api/``), read at the end of ``config/settings.py``: who may
call it (staff sessions, HTTP Basic for accounts without a second factor, a store's API key
as ``Authorization: Bearer <key>``) and how its OpenAPI schema (``/api/schema/``) reads."""

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # A store's API key, "Authorization: Bearer <key>" (apikeys/auth.py). First, because
        # DRF asks the first class for the 401's WWW-Authenticate challenge: a request without
        # working credentials gets 401 with "WWW-Authenticate: Bearer" (RFC 6750), not 403.
        "apikeys.auth.ApiKeyAuthentication",
        # DRF's SessionAuthentication, refusing shoppers' sessions (shoppers/auth.py).
        "shoppers.auth.StaffSessionAuthentication",
        "merchant.two_factor.BasicAuthenticationWithoutSecondFactor",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Voice store portal API",
    "DESCRIPTION": (
        "The stores you work for: their catalog and stock (read, change, adjust), their "
        "orders (read, cancel, ship, refund) and their analytics (metrics over a range of "
        "the store's days). Log in, or send a store's API key as "
        "`Authorization: Bearer <key>`."
    ),
    # Redoc shows the title with the version in brackets: "Voice store portal API (v1)".
    "VERSION": "v1",
    "SERVE_INCLUDE_SCHEMA": False,
    # /api/docs/ and /api/redoc/ load the viewers from the portal's static files, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
