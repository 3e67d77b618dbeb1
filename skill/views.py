"""``POST /alexa/``: the endpoint Alexa calls for every store's skill.

Thin on purpose: size limit, request verification (before any database work), JSON, then
``runtime.handle_envelope``. Requests that fail get HTTP 400 and go to the application log,
never to the database.
"""

import json
import logging
from typing import Any

from django.conf import settings
from django.db import Error as DatabaseFailure  # DatabaseError and InterfaceError
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import runtime, speech
from .deadline import turn_deadline
from .verification import VerificationFailed, get_verifier

logger = logging.getLogger("skill.endpoint")


def _reject(reason: str, request: HttpRequest) -> HttpResponseBadRequest:
    # The reason may echo what the request sent: made plain ASCII before it is logged or
    # answered, so an unpaired surrogate or a control character cannot break either.
    reason = reason[:300].encode("ascii", "backslashreplace").decode("ascii")
    reason = "".join(ch if ch.isprintable() else "?" for ch in reason)
    logger.warning(
        "rejected Alexa request from %s: %s", request.META.get("REMOTE_ADDR", "?"), reason
    )
    return HttpResponseBadRequest(reason, content_type="text/plain; charset=utf-8")


@csrf_exempt
@require_POST
def alexa_endpoint(request: HttpRequest) -> HttpResponse:
    limit = settings.ALEXA_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return _reject("request body too large", request)
    body = request.body
    if len(body) > limit:
        return _reject("request body too large", request)

    if settings.ALEXA_VERIFY_REQUESTS:
        try:
            envelope = get_verifier().verify(
                body=body,
                cert_url=request.headers.get("SignatureCertChainUrl", ""),
                signature=request.headers.get("Signature-256", ""),
            )
        except VerificationFailed as exc:
            return _reject(f"verification failed: {exc}", request)
    else:
        try:
            envelope = json.loads(body)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return _reject("body is not JSON", request)

    try:
        with turn_deadline(settings.ALEXA_DB_DEADLINE_SECONDS):
            answer = runtime.handle_envelope(envelope, source="voice")
    except runtime.EnvelopeError as exc:
        return _reject(str(exc), request)
    except runtime.UnknownSkill as exc:
        return _reject(f"no store serves application id {exc}", request)
    except DatabaseFailure:
        # The database failed or stopped answering (skill/deadline.py): still answer Alexa
        # with a spoken apology rather than an error page.
        logger.exception("database error: the skill answers with its apology")
        # Discard a broken connection now rather than at the end of the request, so that
        # nothing after this answer (middleware, the next turn in this thread) waits on it.
        connection.close_if_unusable_or_obsolete()
        answer = _apology(envelope)
    if answer is None:  # a skill event: Alexa expects HTTP 200 and nothing else
        return HttpResponse(status=200)
    return JsonResponse(answer)


def _apology(envelope: object) -> dict[str, Any]:
    """The spoken apology for a real outage; reads the locale defensively, never raises."""
    request = envelope.get("request") if isinstance(envelope, dict) else None
    locale = request.get("locale") if isinstance(request, dict) else None
    text = speech.for_locale(locale if isinstance(locale, str) else None).APOLOGY
    return {
        "version": "1.0",
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": f"<speak>{text}</speak>"},
            "shouldEndSession": True,
        },
    }
