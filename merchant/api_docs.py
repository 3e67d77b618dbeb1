"""The API documentation pages (``/api/docs/``: Swagger UI, ``/api/redoc/``: Redoc), served
by the portal from drf-spectacular-sidecar's static files: no CDN, and no inline script or
style, so they work under the portal's Content Security Policy.

drf-spectacular's own templates start the viewers with inline scripts and styles (and Redoc's
loads Google Fonts). These templates load a static starter script instead
(``merchant/static/merchant/api_docs/``) and hand it the schema's address in ``data-``
attributes. Redoc adds its styles at run time: its starter passes the response's CSP nonce
(from its own ``<script nonce>``) to ``Redoc.init``, which puts it on the ``<style>`` elements
it adds later. Two it adds while its bundle loads, before any script can hand it the nonce, are
allowed by their hashes (below); its search runs in a worker made from a ``blob:`` address.
Only the Redoc page gets these additions. Its sidebar's Redocly logo would come from
cdn.redoc.ly: the starter script leaves images from elsewhere out (the CSP would block them).
"""

from csp.constants import SELF
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView


class ApiDocsSwaggerView(SpectacularSwaggerView):
    template_name = "merchant/api_docs/swagger_ui.html"
    url_name = "api-schema"


# The hashes belong to the pinned drf-spectacular-sidecar (Redoc 2): after an upgrade,
# merchant/tests/test_staff_browser.py fails and chromium's console names the new hash.
REDOC_POLICY = {
    "style-src": [
        # perfect-scrollbar's stylesheet, inserted as the bundle loads.
        "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
        # An empty <style> (the hash of ""): it allows no rule at all.
        "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    ],
    "worker-src": [SELF, "blob:"],
}


@method_decorator(csp_update(REDOC_POLICY), name="dispatch")
@method_decorator(csp_update(REDOC_POLICY, REPORT_ONLY=True), name="dispatch")
class ApiDocsRedocView(SpectacularRedocView):
    template_name = "merchant/api_docs/redoc.html"
    url_name = "api-schema"
