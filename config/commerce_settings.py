"""Settings of the shoppers and agents side of the portal, read at the end of
``config/settings.py`` (which imports everything here): Stripe (cards), shopper accounts,
account linking (django-oauth-toolkit) and the UCP server. Every value comes from the
environment like the rest of the settings."""

import environ
from django.conf import global_settings

from linking.pkce import pkce_required

# The environment as config/settings.py left it (it has read .env into os.environ first).
env = environ.Env()

# --- Cards: Stripe (cards app) ------------------------------------------------------------------
# The environment's Stripe account, used by every store without keys of its own (a store's
# own keys are kept encrypted in its StripeSettings). `make run` and the tests point the API
# and Stripe.js at localstripe, the embedded fake Stripe.
STRIPE_SECRET_KEY = env.str("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env.str("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env.str("STRIPE_WEBHOOK_SECRET", default="")
STRIPE_API_BASE = env.str("STRIPE_API_BASE", default="https://api.stripe.com")
STRIPE_JS_URL = env.str("STRIPE_JS_URL", default="https://js.stripe.com/v3/")

# --- Shopper accounts (shoppers app) ----------------------------------------------------------
# django-axes counts a shopper's failed logins per (store, email) and address, a staff user's
# per user name and address (AXES_LOCKOUT_PARAMETERS above).
AXES_USERNAME_CALLABLE = "shoppers.auth.axes_username"
# The shop's login page shows a lockout in its own words; other logins get the template.
AXES_LOCKOUT_CALLABLE = "shoppers.auth.lockout_response"

# --- Account linking (linking app): django-oauth-toolkit as each store's OAuth 2.0 server ------
# Alexa links a shopper's account with the authorization code grant: /o/authorize/ (the shop's
# login, then a consent page), /o/token/, /o/revoke_token/, RFC 8414 metadata at
# /.well-known/oauth-authorization-server. One Alexa client per store (linking.StoreAlexaClient)
# and the shopping platforms' clients the owner registers (linking.StorePlatformClient).


# Amazon's vendor id of the developer account publishing the skills: the default redirect URIs
# of a new client are the four Alexa hosts' /api/skill/link/<vendor id>.
ALEXA_VENDOR_ID = env.str("ALEXA_VENDOR_ID", default="")
# A client secret is 128 random characters: a salted SHA-256 keeps it safe at rest, while
# Django's password hasher (PBKDF2, a million rounds) would cost a quarter second of CPU on
# every token request Alexa makes (linking/hashers.py). User passwords keep Django's default.
PASSWORD_HASHERS = [*global_settings.PASSWORD_HASHERS, "linking.hashers.ClientSecretHasher"]
# DOT's models are swappable; linking.StoreAlexaClient's migration names the setting.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "SCOPES": {
        "profile": "Your name and email address",
        "cart": "Your cart and wish list: read them and add to them",
        "orders": "Your orders: read them and place orders with your saved card and address",
        # A platform's own client-credentials token (linking.oauth.PLATFORM_SCOPE), never a
        # shopper's.
        "catalog": "The store's catalog and checkout, for the shopping platform itself",
    },
    "DEFAULT_SCOPES": ["profile", "cart", "orders"],
    # PKCE as the store's client says (Alexa sends a code challenge only when the skill's
    # account-linking settings switch it on; DOT's default True would refuse every link).
    "PKCE_REQUIRED": pkce_required,
    "CLIENT_SECRET_HASHER": "linking_sha256",
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OAUTH_ACCESS_TOKEN_SECONDS", default=3600),
    # Refresh tokens rotate; a refresh Alexa retries (its first answer lost) within the grace
    # period gets the same new pair instead of an error that would unlink the shopper.
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": env.int("OAUTH_REFRESH_GRACE_SECONDS", default=300),
    # Every link asks for consent (the shopper sees the store and what Alexa may do).
    "REQUEST_APPROVAL_PROMPT": "force",
    # Alexa's redirect URIs are HTTPS; tests on a live server add http.
    "ALLOWED_REDIRECT_URI_SCHEMES": env.list("OAUTH_REDIRECT_URI_SCHEMES", default=["https"]),
    # A refresh token replayed after the grace period revokes its whole family (a stolen
    # token, or a client gone wrong): the shopper links again.
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    # OAuth 2.0 Security BCP (RFC 9700): only the code grant and refresh, no plain PKCE,
    # access tokens only in the Authorization header, the `iss` parameter on the redirect
    # (RFC 9207). Tokens stay stored in plain text (below).
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "OAUTH2_RESPONSE_TYPES_SUPPORTED": ["code"],
    # Platform clients (linking.StorePlatformClient) also take client credentials.
    "OAUTH2_GRANT_TYPES_SUPPORTED": ["authorization_code", "refresh_token", "client_credentials"],
    "OAUTH2_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["client_secret_basic", "client_secret_post"],
    "OAUTH2_VALIDATOR_CLASS": "linking.oauth.StoreOAuth2Validator",
}
# DOT warns that tokens are stored in plain text (W006). Hashed storage cannot answer a
# refresh retried within the grace period (DOT returns the stored, blank, value: Alexa gets
# no token and the shopper is unlinked; DOT's own check E001 forbids the combination), and a
# token alone is of no use outside Alexa's signed requests. The grace period wins.
SILENCED_SYSTEM_CHECKS = ["oauth2_provider.W006"]

# --- Publishing the skill through the Skill Management API (voicelab.publish) -------------------
# The deployment's Login with Amazon security profile: an owner connects the store to their
# Amazon developer account with it (a store may keep its own profile instead). Its allowed
# return URL is <PUBLIC_BASE_URL>/console/launch/connect/return/.
LWA_CLIENT_ID = env.str("LWA_CLIENT_ID", default="")
LWA_CLIENT_SECRET = env.str("LWA_CLIENT_SECRET", default="")
# Amazon's addresses (stores in sandbox mode use /sandbox/lwa and /sandbox/smapi instead).
LWA_AUTHORIZE_URL = env.str("LWA_AUTHORIZE_URL", default="https://www.amazon.com/ap/oa")
LWA_API_BASE = env.str("LWA_API_BASE", default="https://api.amazon.com")
SMAPI_API_BASE = env.str("SMAPI_API_BASE", default="https://api.amazonalexa.com")
# Waiting for Amazon: the first pause between polls, its growth, and the most polls per wait.
SMAPI_POLL_SECONDS = env.float("SMAPI_POLL_SECONDS", default=2.0)
SMAPI_POLL_FACTOR = env.float("SMAPI_POLL_FACTOR", default=1.1)
SMAPI_POLL_TRIES = env.int("SMAPI_POLL_TRIES", default=50)
SMAPI_TIMEOUT_SECONDS = env.float("SMAPI_TIMEOUT_SECONDS", default=30.0)

# --- Universal Commerce Protocol (ucp app) -------------------------------------------------------
# Test deployments only: with a value, the conformance suite's simulation hooks answer requests
# carrying it in Simulation-Secret, the mock payment handler is offered, and platform profiles
# and webhooks on loopback addresses (plain http) are reached. Unset (the default): none of it.
UCP_SIMULATION_SECRET = env.str("UCP_SIMULATION_SECRET", default="")
# Hosts whose platform profiles and webhooks may be fetched (subdomains included); empty: any
# public HTTPS host.
UCP_PLATFORM_HOSTS = env.list("UCP_PLATFORM_HOSTS", default=[])
# Platform profiles are cached this long (never under the spec's 60 s floor).
UCP_PROFILE_CACHE_SECONDS = env.int("UCP_PROFILE_CACHE_SECONDS", default=300)
UCP_CONNECT_TIMEOUT_SECONDS = env.float("UCP_CONNECT_TIMEOUT_SECONDS", default=3.0)
UCP_READ_TIMEOUT_SECONDS = env.float("UCP_READ_TIMEOUT_SECONDS", default=5.0)
# Replies to requests with an Idempotency-Key are kept this long (the spec asks for 24 h).
UCP_IDEMPOTENCY_KEEP_HOURS = env.int("UCP_IDEMPOTENCY_KEEP_HOURS", default=24)
# Order webhooks to platforms: retried after 2 s, doubling up to 1 h, at most this many tries.
UCP_WEBHOOK_MAX_ATTEMPTS = env.int("UCP_WEBHOOK_MAX_ATTEMPTS", default=12)
UCP_WEBHOOK_RETRY_BASE_SECONDS = env.int("UCP_WEBHOOK_RETRY_BASE_SECONDS", default=2)
UCP_WEBHOOK_RETRY_MAX_SECONDS = env.int("UCP_WEBHOOK_RETRY_MAX_SECONDS", default=3600)
# The embedded SMAPI sandbox (smapi_sandbox app): its imports, builds, validations and
# simulations answer IN_PROGRESS for at least this long, and to one poll at least.
SMAPI_SANDBOX_DELAY_SECONDS = env.float("SMAPI_SANDBOX_DELAY_SECONDS", default=1.0)

# The UCP error answers kept for each store's Agents page are deleted after this many days.
UCP_AGENT_ERRORS_KEEP_DAYS = env.int("UCP_AGENT_ERRORS_KEEP_DAYS", default=30)
# A store's own shop domain (Store.shop_domain) is looked up once per process this long; a
# changed domain is served by the other processes after at most this many seconds.
SHOP_DOMAIN_CACHE_SECONDS = env.int("SHOP_DOMAIN_CACHE_SECONDS", default=60)
# Added to CELERY_BEAT_SCHEDULE by config/settings.py.
COMMERCE_BEAT_SCHEDULE = {
    "ucp-sweep-order-webhooks": {"task": "ucp.tasks.sweep_order_webhooks", "schedule": 60.0},
}
