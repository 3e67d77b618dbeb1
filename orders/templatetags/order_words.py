"""Order facts in words for staff: Amazon Pay codes, timeline data and delivery addresses.

The support console (``{% load order_words %}``) and the orders admin show the same words.
Codes stay visible beside their sentence, so staff can still quote them to Amazon; a code
this table does not know is shown as it came, under a generic label.
"""

from datetime import datetime

from django import template
from django.utils import timezone

from merchant.models import COUNTRIES, ExpiryAction
from merchant.money import display

from ..models import OrderSource

register = template.Library()

# Reason codes of authorizations, captures and refunds, and the error codes of Amazon Pay
# (Alexa's Setup and Charge results, and the back office's calls), as a sentence each.
AMAZON_PAY_CODES = {
    # Authorizations, captures and refunds (reasonCode).
    "MaxCapturesProcessed": "Charged in full: the authorization closed once its amount was "
    "captured",
    "InvalidPaymentMethod": "Declined: the shopper's payment method was refused; they can "
    "change it in their Amazon account and order again",
    "AmazonRejected": "Declined by Amazon Pay",
    "ProcessingFailure": "Amazon Pay could not process the payment; trying again may work",
    "TransactionTimedOut": "Amazon Pay did not decide in time, so nothing was charged",
    "ExpiredUnused": "The authorization expired unused after 30 days",
    "SellerClosed": "The store released the authorization",
    "AmazonClosed": "Amazon Pay closed the authorization",
    "Declined": "Declined by Amazon Pay (no reason given)",
    # The back office's calls refused.
    "InvalidAuthorizationStatus": "The authorization can no longer be used (closed or expired)",
    "InvalidCaptureStatus": "The capture cannot be refunded in its current state",
    "TransactionAmountExceeded": "The amount is more than Amazon Pay allows for this payment",
    "TransactionCountExceeded": "Amazon Pay allows at most 10 refunds per payment",
    "InvalidRefundId": "Amazon Pay does not know this refund",
    # Alexa's Setup and Charge results: the shopper has to act.
    "ACCESS_DENIED": "The shopper has not allowed Amazon Pay for this skill",
    "ACCESS_NOT_REQUESTED": "The skill did not ask for the Amazon Pay permission",
    "FORBIDDEN": "Amazon Pay refused the request for this shopper",
    "VoicePurchaseNotEnabled": "Voice purchasing is off in the shopper's Alexa app",
    # The store's setup.
    "BuyerEqualsSeller": "The shopper's Amazon account is the store's own seller account",
    "InvalidParameterValue": "Amazon Pay refused a value the portal sent",
    "InvalidSandboxCustomerEmail": "The sandbox customer email in the store settings is not "
    "a sandbox test account",
    "InvalidSellerId": "The Amazon Pay seller id in the store settings is wrong",
    "UnauthorizedAccess": "The skill is not linked to the store's Amazon Pay account",
    "UnsupportedCountryOfEstablishment": "Amazon Pay does not serve the store's country",
    "UnsupportedCurrency": "Amazon Pay does not take the store's currency here",
    # At run time.
    "DuplicateRequest": "The same payment reference was sent twice with different content",
    "InternalServerError": "Amazon Pay had an internal error",
    "InvalidAuthorizationAmount": "The amount to charge was not accepted",
    "InvalidBillingAgreementId": "The shopper's billing agreement is unknown",
    "InvalidBillingAgreementStatus": "The shopper's billing agreement is not open",
    "InvalidPaymentAction": "The payment action does not fit this payment",
    "PeriodicAmountExceeded": "The shopper's monthly limit for this store is reached",
    "ProviderNotAuthorized": "The skill may not charge for this seller",
    "ServiceUnavailable": "Amazon Pay was unavailable",
    # Amazon tells the shopper itself.
    "UnsupportedClientPlatform": "The shopper's device cannot pay by voice",
    "InvalidShippingAddress": "Amazon Pay cannot deliver to the shopper's address",
    "InvalidAccountStatus": "The shopper's Amazon account cannot pay at the moment",
    "RequestThrottled": "Too many requests to Amazon Pay at once",
}
UNKNOWN_CODE = "Amazon Pay answered with a code the portal does not describe"


@register.filter
def amazon_pay_words(code) -> str:
    """``"MaxCapturesProcessed"`` -> "Charged in full: ... (MaxCapturesProcessed)"."""
    code = str(code or "").strip()
    if not code:
        return ""
    return f"{AMAZON_PAY_CODES.get(code, UNKNOWN_CODE)} ({code})"


# Timeline data ---------------------------------------------------------------------------------

DATA_LABELS = {
    "source": "Started from",
    "total": "Total",
    "amount": "Amount",
    "reason_code": "Amazon Pay",
    "reason": "Reason",
    "restock": "Put back in stock",
    "items": "Items",
    "lines": "Items",
    "carrier": "Carrier",
    "tracking_number": "Tracking number",
    "expires_at": "Authorization expires",
    "action": "Then",
    "status": "Notification about",
    "attempts": "Attempts",
    "kind": "Email",
    "to": "Sent to",
    "channel": "Asked by",
    "request": "Refund request",
    "resolution": "Resolution",
    "plan": "Refill plan",
    "renewal": "Renewal",
    "text": "Note",
    "dispute": "Card dispute",
    "reference_id": "Payment reference",
    "key": "Sent for reference",
}
EMAIL_KINDS = {
    "confirmation": "order confirmation",
    "shipped": "shipping notice",
    "cancelled": "cancellation notice",
    "refund_completed": "refund confirmation",
    "plan_renewed": "refill plan renewal",
}
MONEY_KEYS = {"amount", "total"}


def _label(key: str) -> str:
    return DATA_LABELS.get(key) or key.replace("_", " ").capitalize()


def _when(value) -> str:
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%Y-%m-%d %H:%M")


def _value(key: str, value, *, currency: str, line_names: dict) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if key in MONEY_KEYS and currency:
        try:
            return display(value, currency)
        except (ArithmeticError, TypeError, ValueError):
            return str(value)
    if key == "reason_code":
        return amazon_pay_words(value)
    if key == "source":
        return dict(OrderSource.choices).get(value, str(value))
    if key == "kind":
        return EMAIL_KINDS.get(value, str(value).replace("_", " "))
    if key == "action":
        return dict(ExpiryAction.choices).get(value, str(value))
    if key == "expires_at":
        return _when(value)
    if key == "lines" and isinstance(value, dict):
        return ", ".join(
            f"{qty} × {line_names.get(str(pk), f'line {pk}')}" for pk, qty in value.items()
        )
    if isinstance(value, dict):
        return ", ".join(f"{k} × {v}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def event_data_words(data, *, currency: str = "", line_names: dict | None = None):
    """An event's data as (label, value) pairs in words: amounts with their currency, Amazon
    Pay codes with their sentence, refunded lines by name (``line_names``: line id -> name)."""
    if not isinstance(data, dict):
        return []
    names = {str(k): v for k, v in (line_names or {}).items()}
    # A fixed order (the database may keep JSON keys in any order): known keys as listed
    # above, then the others by name.
    known = list(DATA_LABELS)
    keys = sorted(data, key=lambda k: (known.index(k), "") if k in known else (len(known), k))
    return [
        (_label(key), _value(key, data[key], currency=currency, line_names=names))
        for key in keys
        if data[key] not in ("", None, {}, [])
    ]


# Delivery addresses ---------------------------------------------------------------------------

# Countries that write the postal code before the town ("10115 Berlin").
POSTCODE_FIRST = {
    "AT", "BE", "CH", "CZ", "DE", "DK", "ES", "FI", "FR", "IT", "LI", "LU", "NL", "NO", "PL",
    "PT", "SE", "SK",
}  # fmt: skip
# Countries whose postcode stands on a line of its own, after the town and county.
POSTCODE_OWN_LINE = {"GB", "UK", "IE"}
COUNTRY_NAMES = {**dict(COUNTRIES), "GB": "United Kingdom", "CH": "Switzerland"}


def address_lines(address) -> list[str]:
    """A delivery address (Alexa's shape: name, addressLine1-3, city, districtOrCounty,
    stateOrRegion, postalCode, countryCode) as the lines of an envelope, per country:
    ``Seattle, WA 98109`` in the US, ``10115 Berlin`` in Germany, the UK postcode alone on
    its line. Empty parts are left out; the country's name comes last."""
    if not isinstance(address, dict):
        return []

    def part(key):
        return " ".join(str(address.get(key) or "").split())

    country = part("countryCode").upper()
    city, postal, state = part("city"), part("postalCode"), part("stateOrRegion")
    county = part("districtOrCounty")
    lines = [part("name"), part("addressLine1"), part("addressLine2"), part("addressLine3")]
    if country in POSTCODE_OWN_LINE:
        lines += [city, county or state, postal]
    elif country in POSTCODE_FIRST:
        lines += [" ".join(p for p in (postal, city) if p), state]
    else:  # the US way, also the default: "Seattle, WA 98109"
        region = " ".join(p for p in (state, postal) if p)
        lines.append(", ".join(p for p in (city, region) if p))
    if country:
        lines.append(COUNTRY_NAMES.get(country, country))
    return [line for line in lines if line]


@register.filter(name="address_lines")
def address_lines_filter(address) -> list[str]:
    return address_lines(address)


# A customer's audit (``CustomerEvent.data``): field and scope names in words. -----------------

CUSTOMER_FIELDS = {
    "shipping_address": "delivery address",
    "email": "email",
    "name": "name",
    "billing_agreement_id": "billing agreement",
    "billing_agreement_status": "agreement status",
    "payment_consent": "voice purchase consent",
    "alexa_permissions": "permissions",
    "order_updates_subscribed": "order notifications",
    "alexa_api_endpoint": "Alexa API host",
}


def _listed(names, words=None) -> str:
    return ", ".join((words or {}).get(name, name) for name in names) or "none"


def customer_event_words(data: dict) -> list[tuple[str, str]]:
    """(label, value) pairs for the support console's customer page, in a fixed order."""
    pairs = []
    if "locale" in data:
        pairs.append(("Locale", data["locale"]))
    if "before" in data or "after" in data:
        pairs.append(("From", data.get("before") or "not reported"))
        pairs.append(("To", data.get("after") or "not reported"))
    if "status" in data:
        pairs.append(("Agreement status", data["status"] or "—"))
    if "subscribed" in data:
        pairs.append(("Subscribed", "yes" if data["subscribed"] else "no"))
    if data.get("granted"):
        pairs.append(("Granted", _listed(data["granted"])))
    if data.get("revoked"):
        pairs.append(("Revoked", _listed(data["revoked"])))
    if "changed" in data:
        pairs.append(("Changed", _listed(data["changed"], CUSTOMER_FIELDS)))
    if "orders" in data:
        pairs.append(("Orders kept (without personal data)", str(data["orders"])))
    if "refill_plans_cancelled" in data:
        pairs.append(("Refill plans cancelled", str(data["refill_plans_cancelled"])))
    return pairs
