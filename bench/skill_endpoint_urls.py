"""URL conf for ``bench/skill_endpoint.py``: the portal's URLs plus ``/bare/``, a plain
Django JsonResponse, served by the same gunicorn workers. When the benchmark passes a local
CA (``BENCH_ROOT_PEM``, ``BENCH_CHAIN_PEM``), the endpoint verifies every request's
signature against it, exactly as it does Amazon's, without touching the network."""

import os
from pathlib import Path

from cryptography import x509
from django.http import JsonResponse
from django.urls import path

from merchant.urls import urlpatterns as portal_urlpatterns
from skill import verification


def bare(request):
    return JsonResponse({"version": "1.0", "response": {"shouldEndSession": True}})


if os.environ.get("BENCH_ROOT_PEM"):
    _roots = x509.load_pem_x509_certificates(Path(os.environ["BENCH_ROOT_PEM"]).read_bytes())
    _chain = Path(os.environ["BENCH_CHAIN_PEM"]).read_bytes()
    verification.set_verifier(
        verification.RequestVerifier(roots=_roots, fetcher=lambda url, timeout: _chain)
    )

urlpatterns = [path("bare/", bare), *portal_urlpatterns]
