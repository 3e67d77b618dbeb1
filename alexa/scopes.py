"""Alexa's permission scopes, as Amazon names them.

A shopper grants the first four in the Alexa app: the skill's manifest lists them, a consent
card asks for them, skill events report them and the portal keeps what was granted on the
customer. The last is not a shopper's: it is the scope of the Login with Amazon token (client
credentials) a skill sends proactive events with.
"""

# Device Settings API: the device's full address (delivery address of a pay-on-delivery order).
ADDRESS_SCOPE = "read::alexa:device:all:address"
# Customer Profile API: the shopper's email (order confirmations).
EMAIL_SCOPE = "alexa::profile:email:read"
# Amazon Pay for Alexa: Setup and Charge on the shopper's Amazon account.
AUTOPAY_SCOPE = "payments:autopay_consent"
# Proactive Events API for one shopper: order status notifications on their devices.
NOTIFICATIONS_SCOPE = "alexa::devices:all:notifications:write"
# Login with Amazon, client credentials: sending proactive events at all.
PROACTIVE_EVENTS_SCOPE = "alexa::proactive_events"
