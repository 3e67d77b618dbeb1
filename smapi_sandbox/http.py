"""The sandbox's HTTP plumbing: the caller's token, JSON bodies and SMAPI's error bodies."""

import functools
import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from .auth import vendor_of_request
from .common import Refused
from .models import Vendor


def error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"message": message}, status=status)


def body_of(request: HttpRequest) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise Refused(400, "The request body is not valid JSON.") from exc
    if not isinstance(data, dict):
        raise Refused(400, "The request body must be a JSON object.")
    return data


def no_content(status: int = 204, **headers: str) -> HttpResponse:
    response = HttpResponse(status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def smapi(methods: set[str]) -> Callable:
    """A SMAPI operation: csrf-exempt, ``methods`` only, the caller's vendor found from its
    token (401 otherwise), ``Refused`` turned into SMAPI's error body. The view receives the
    vendor after the request."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @functools.wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.method not in methods:
                return error(405, f"{request.method} is not supported here.")
            vendor: Vendor | None = vendor_of_request(request)
            if vendor is None:
                response = error(401, "The access token is missing, invalid or expired.")
                response["WWW-Authenticate"] = 'Bearer realm="SMAPI sandbox"'
                return response
            try:
                return view(request, vendor, *args, **kwargs)
            except Refused as exc:
                return error(exc.status, exc.message)

        return wrapped

    return decorate
