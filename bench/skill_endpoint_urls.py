"""URL conf for ``bench/skill_endpoint.py``: the portal's URLs plus three bench-only views
served by the same gunicorn workers:

* ``/bare/``: a plain Django JsonResponse, the baseline the goal is a ratio to;
* ``/floor/sdk/``: what every Alexa turn must do before any store logic: read the body,
  verify the signature (as ``/alexa/`` does), deserialize the envelope with ask-sdk-core,
  invoke a one-handler skill built once, serialize the response. No database;
* ``/floor/db/``: the same plus the least database work the voice-ordering issue asks of a
  turn: one indexed read of the shopper and one INSERT into the interaction log, in
  autocommit with ``synchronous_commit = off``, hand-written SQL (no ORM);
* ``/adapter/``: the same skill (our handlers, store, shopper, turn record) served the way
  django-ask-sdk's ``SkillAdapter`` serves one, the view a Django developer would otherwise
  pick. django-ask-sdk 1.0.0 installs but cannot be imported here: its verifier's
  dependency oscrypto 1.3.0 fails to read OpenSSL 3's version ("Error detecting the version
  of libcrypto"), so this is an equivalent minimal view doing what ``SkillAdapter.post``
  does (decode the body, ``serializer.deserialize`` from the string, ``skill.invoke``,
  ``serializer.serialize``, ``JsonResponse(safe=False)``). Verification is off, as it
  would be there: the adapter reads the legacy ``Signature`` header, not ``Signature-256``.

The two floors bound from above what any implementation of the skill could reach in the
same run. When the benchmark passes a local CA (``BENCH_ROOT_PEM``, ``BENCH_CHAIN_PEM``),
``/alexa/`` and the floors verify every request's signature against it, exactly as they do
Amazon's, without touching the network."""

import os
import time
from pathlib import Path

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.exceptions import AskSdkException
from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import RequestEnvelope
from cryptography import x509
from django.db import connection
from django.http import HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from config.urls import urlpatterns as portal_urlpatterns
from skill import envelope as alexa_envelope
from skill import runtime, verification


def bare(request):
    return JsonResponse({"version": "1.0", "response": {"shouldEndSession": True}})


class _Welcome(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return True

    def handle(self, handler_input):
        return (
            handler_input.response_builder.speak("Welcome to No Nicks.")
            .ask("What would you like?")
            .response
        )


_builder = SkillBuilder()
_builder.add_request_handler(_Welcome())
_floor_skill = _builder.create()

_INSERT = (
    "INSERT INTO skill_interaction (store_id, customer_id, request_type, intent, slots,"
    " session_id, locale, source, latency_ms, outcome, error_code, created_at)"
    " VALUES (%s, %s, %s, '', '{}', %s, %s, 'voice', 0, 'floor', '', now())"
)
_SHOPPER = "SELECT id FROM orders_customer WHERE store_id = %s AND alexa_user_id = %s"


def _floor(request, *, database: bool):
    try:
        envelope = verification.get_verifier().verify(
            body=request.body,
            cert_url=request.headers.get("SignatureCertChainUrl", ""),
            signature=request.headers.get("Signature-256", ""),
        )
        parsed = alexa_envelope.parse(envelope)
    except (verification.VerificationFailed, alexa_envelope.EnvelopeError) as exc:
        return HttpResponseBadRequest(str(exc))
    if database:
        store = runtime.store_for(parsed)
        system = parsed.context.system
        with connection.cursor() as cursor:
            if not getattr(connection, "_bench_async_commit", False):
                cursor.execute("SET synchronous_commit TO OFF")
                connection._bench_async_commit = True
            cursor.execute(_SHOPPER, [store.pk, system.user.user_id])
            row = cursor.fetchone()
            cursor.execute(
                _INSERT,
                [
                    store.pk,
                    row[0] if row else None,
                    parsed.request.object_type,
                    parsed.session.session_id if parsed.session else "",
                    parsed.request.locale or "",
                ],
            )
    response = _floor_skill.invoke(request_envelope=parsed, context=None)
    return JsonResponse(runtime.serializer.serialize(response))


@csrf_exempt
def floor_sdk(request):
    return _floor(request, database=False)


@csrf_exempt
def floor_db(request):
    return _floor(request, database=True)


class _OurSkillForTheAdapter(CustomSkill):
    """Our ask-sdk skill with the turn around it (store, shopper, turn record), as the
    adapter's ``skill``: the adapter deserializes, invokes and serializes itself."""

    def __init__(self):
        self.__dict__.update(runtime.get_skill().__dict__)

    def invoke(self, request_envelope, context=None):
        return runtime.run_turn(request_envelope, {}, source="voice", started=time.perf_counter())


_adapter_skill = _OurSkillForTheAdapter()


@csrf_exempt
def adapter(request):
    """What ``django_ask_sdk.skill_adapter.SkillAdapter.post`` does, verification off."""
    try:
        request_envelope = _adapter_skill.serializer.deserialize(
            payload=request.body.decode("utf-8"), obj_type=RequestEnvelope
        )
        response = _adapter_skill.invoke(request_envelope=request_envelope, context=None)
        return JsonResponse(data=_adapter_skill.serializer.serialize(response), safe=False)
    except AskSdkException:
        return HttpResponseServerError("Exception occurred during skill dispatch")


if os.environ.get("BENCH_ROOT_PEM"):
    _roots = x509.load_pem_x509_certificates(Path(os.environ["BENCH_ROOT_PEM"]).read_bytes())
    _chain = Path(os.environ["BENCH_CHAIN_PEM"]).read_bytes()
    verification.set_verifier(
        verification.RequestVerifier(roots=_roots, fetcher=lambda url, timeout: _chain)
    )

urlpatterns = [
    path("bare/", bare),
    path("floor/sdk/", floor_sdk),
    path("floor/db/", floor_db),
    path("adapter/", adapter),
    *portal_urlpatterns,
]
