"""The conformance suite's simulation hooks exist only on test deployments: with
``UCP_SIMULATION_SECRET`` unset they answer 404 (as if absent); set, a request must carry
the same value in ``Simulation-Secret`` (compared in constant time) or gets 403."""

import hmac

from django.conf import settings

from .protocol import UcpError


def check_simulation_secret(given: str) -> None:
    secret = settings.UCP_SIMULATION_SECRET
    if not secret:
        raise UcpError(404, "not_found", "Not found.", severity="unrecoverable")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        raise UcpError(403, "forbidden", "The Simulation-Secret header is wrong or missing.")
