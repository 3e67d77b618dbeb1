"""The authorization page Alexa opens when a shopper links the store's skill (and a shopping
platform, when a shopper links their account to it: identity linking).

``/o/authorize/`` (django-oauth-toolkit's AuthorizationView, narrowed): the client id (the
store's Alexa client or a live platform client) names the store; a visitor who is not
signed in as a shopper of that store (no session, another store's shopper, a staff login)
goes to the store's shop login with ``?next=`` back here. The consent page names the store
and what Alexa (or the platform) may do, in the shop's look. Its Content
Security Policy lets the consent form's redirect go to the client's registered redirect
origins (Chromium checks form-action on the redirect after the post) and nowhere else.
The token, revocation and RFC 8414 metadata endpoints are DOT's own views (linking/urls.py).
"""

from typing import Any
from urllib.parse import urlencode, urlsplit

from csp.constants import SELF
from csp.decorators import csp_replace
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from oauth2_provider.forms import AllowForm
from oauth2_provider.views import AuthorizationView

from . import selectors
from .models import StoreAlexaClient, StorePlatformClient

# The authorization request's fields the consent form carries back (rebuilding the request
# when the shopper's session ended between the page and the post).
_REQUEST_FIELDS = [name for name in AllowForm.base_fields if name != "allow"]


def redirect_origins(client: StoreAlexaClient | StorePlatformClient) -> list[str]:
    """``scheme://host[:port]`` of each registered redirect URI, in order, once each."""
    origins = []
    for uri in client.redirect_uris():
        parts = urlsplit(uri)
        origins.append(f"{parts.scheme}://{parts.netloc}")
    return list(dict.fromkeys(origins))


def _with_form_action(
    request: HttpRequest, response: HttpResponseBase, origins: list[str]
) -> HttpResponseBase:
    # csp_replace is the per-view decorator; the origins depend on the request's client, so
    # it decorates a view that answers with this response (enforced and report-only alike).
    config = {"form-action": [SELF, *origins]}

    def answer(request: HttpRequest) -> HttpResponseBase:
        return response

    return csp_replace(config, REPORT_ONLY=True)(csp_replace(config)(answer))(request)


class AlexaAuthorizationView(AuthorizationView):
    template_name = "linking/authorize.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        params = request.POST if request.method == "POST" else request.GET
        client = selectors.store_client_by_client_id(params.get("client_id", ""))
        if client is None:
            return render(request, "linking/unknown_client.html", status=400)
        self.store_client = client
        self.store = client.store
        self.shopper = selectors.shopper_of_store(request.user, client.store)
        if self.shopper is None:
            return self._to_store_login(request, params)
        return super().dispatch(request, *args, **kwargs)

    def _to_store_login(self, request: HttpRequest, params: Any) -> HttpResponseBase:
        if request.method == "POST":  # the session ended between the page and the post
            query = urlencode({k: params[k] for k in _REQUEST_FIELDS if params.get(k)})
            back = f"{request.path}?{query}"
        else:
            back = request.get_full_path()
        login_url = reverse("shop:login", args=[self.store.slug])
        return redirect_to_login(back, login_url, "next")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(self._page_context())
        return context

    def _page_context(self) -> dict[str, Any]:
        client = self.store_client
        name = client.name if isinstance(client, StorePlatformClient) else "Alexa"
        return {"store": self.store, "shopper": self.shopper, "client_name": name}

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        # DOT renders its error pages with a bare context: the shop's frame needs the store.
        context = {**self._page_context(), **context}
        response = super().render_to_response(context, **kwargs)
        _with_form_action(self.request, response, redirect_origins(self.store_client))
        return response
