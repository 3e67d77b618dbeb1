"""The Proactive Events API: ``AMAZON.OrderStatus.Updated`` for one shopper (Unicast).

``order_status_event`` builds the body Amazon's schema documents; ``send`` posts it to the
shopper's regional Alexa API host (one of ``ALEXA_API_HOSTS``) with the store's Login with
Amazon token: the development stage for stores in sandbox mode, the live API otherwise. A
401 means the token expired or was revoked: it is renewed once and the event sent again.
"""

from datetime import UTC, date, datetime, timedelta

from django.conf import settings

from alexa import http
from merchant.models import Store

from . import lwa

EVENT_NAME = "AMAZON.OrderStatus.Updated"
LIVE_PATH = "/v1/proactiveEvents"
DEVELOPMENT_PATH = "/v1/proactiveEvents/stages/development"


class Retryable(Exception):
    """429, 5xx or no answer: the same event may be sent again later."""


class Refused(Exception):
    """Amazon refused the event (or the credentials): sending it again cannot help."""


def _stamp(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as Amazon's examples write it."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def order_status_event(
    *,
    store: Store,
    user_id: str,
    reference_id: str,
    status: str,
    now: datetime,
    expected_arrival: date | None = None,
) -> dict:
    """The request body (``now`` in UTC). ``status`` is ORDER_SHIPPED,
    ORDER_OUT_FOR_DELIVERY or ORDER_DELIVERED. The expected arrival date is sent at noon UTC,
    which is the same calendar day from UTC-11 to UTC+11."""
    state: dict = {"status": status}
    if expected_arrival is not None and status != "ORDER_DELIVERED":
        state["deliveryDetails"] = {"expectedArrival": f"{expected_arrival.isoformat()}T12:00:00Z"}
    expiry = now + timedelta(hours=settings.ALEXA_NOTIFICATION_EXPIRY_HOURS)
    return {
        "timestamp": _stamp(now),
        "referenceId": reference_id,
        "expiryTime": _stamp(expiry),
        "event": {
            "name": EVENT_NAME,
            "payload": {
                "state": state,
                "order": {"seller": {"name": "localizedattribute:sellerName"}},
            },
        },
        "localizedAttributes": [
            {"locale": locale, "sellerName": store.name} for locale in store.locales()
        ],
        "relevantAudience": {"type": "Unicast", "payload": {"user": user_id}},
    }


def send(*, store: Store, api_endpoint: str, body: dict) -> None:
    """Post the event; raises ``Retryable`` or ``Refused`` unless Amazon accepted it."""
    path = DEVELOPMENT_PATH if store.sandbox_mode else LIVE_PATH
    url = api_endpoint.rstrip("/") + path
    for renewed in (False, True):
        try:
            token = lwa.access_token(store)
        except lwa.TokenUnavailable as exc:
            raise Retryable(str(exc)) from exc
        except lwa.TokenRefused as exc:
            raise Refused(str(exc)) from exc
        try:
            response = http.post(
                url,
                allowed=http.amazon_hosts(settings.ALEXA_API_HOSTS),
                timeout=settings.ALEXA_NOTIFICATION_TIMEOUT_SECONDS,
                json=body,
                headers={"Authorization": f"Bearer {token}"},
            )
        except http.HostNotAllowed as exc:
            raise Refused(str(exc)) from exc
        except http.Unreachable as exc:
            raise Retryable(str(exc)) from exc
        status = response.status_code
        if status in (200, 202):
            return
        if status == 401 and not renewed:
            lwa.forget(store, token)  # expired or revoked: renew once and send again
            continue
        if http.retryable(status):
            raise Retryable(f"Proactive Events API answered HTTP {status}")
        raise Refused(f"Proactive Events API answered HTTP {status}")
    raise Refused("Proactive Events API refused a renewed token (HTTP 401)")
