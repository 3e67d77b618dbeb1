"""``POST /alexa/``: the endpoint Alexa calls for every store's skill.

Thin on purpose: size limit, request verification (before any database work), JSON, then
``runtime.handle_envelope``. Requests that fail get HTTP 400 and go to the application log,
never to the database.
"""

import json
import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpResponseBadRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import runtime, speech
from .verification import VerificationFailed, get_verifier

logger = logging.getLogger("skill.endpoint")


def _reject(reason: str, request) -> HttpResponseBadRequest:
    logger.warning(
        "rejected Alexa request from %s: %s", request.META.get("REMOTE_ADDR", "?"), reason
    )
    return HttpResponseBadRequest(reason, content_type="text/plain")


@csrf_exempt
@require_POST
def alexa_endpoint(request):
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
        except (ValueError, UnicodeDecodeError):
            return _reject("body is not JSON", request)

    try:
        answer = runtime.handle_envelope(envelope, source="voice")
    except runtime.EnvelopeError as exc:
        return _reject(str(exc), request)
    except runtime.UnknownSkill as exc:
        return _reject(f"no store serves application id {exc}", request)
    except DatabaseError:
        # The database failed before the skill could answer (finding the store): still
        # answer Alexa with a spoken apology rather than an error page.
        logger.exception("database error before the skill could answer")
        answer = _apology(envelope)
    return JsonResponse(answer)


def _apology(envelope) -> dict:
    request = envelope.get("request") if isinstance(envelope, dict) else None
    locale = request.get("locale") if isinstance(request, dict) else None
    text = speech.for_locale(locale).APOLOGY
    return {
        "version": "1.0",
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": f"<speak>{text}</speak>"},
            "shouldEndSession": True,
        },
    }
