"""A pytest plugin (registered in the root ``conftest.py``): the session fixture
``localstripe`` starts the embedded fake Stripe on a free port and points the Stripe
settings at it, for every app's tests (saving cards, paying, the shop's browser walk).

localstripe keeps one account for everybody: tests tell their stores apart by the Stripe
ids the portal stores, never by listing everything at Stripe.
"""

import hashlib
import hmac
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings

SECRET_KEY = "sk_test_localstripe"
PUBLISHABLE_KEY = "pk_test_localstripe"
WEBHOOK_SECRET = "whsec_test_localstripe"
START_SECONDS = 20.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def localstripe_command(port: int) -> list[str]:
    """``.venv/bin/localstripe`` beside the running interpreter; ``--from-scratch``: a fresh
    account (localstripe would otherwise reload /tmp/localstripe.pickle)."""
    binary = Path(sys.executable).with_name("localstripe")
    return [str(binary), "--port", str(port), "--from-scratch"]


def wait_until_answering(url: str, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"localstripe exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.1)
    raise RuntimeError(f"localstripe did not answer at {url} within {seconds} s")


@dataclass
class LocalStripe:
    """A running localstripe: its API base, its fake Stripe.js, and test helpers."""

    api_base: str
    secret_key: str = SECRET_KEY
    publishable_key: str = PUBLISHABLE_KEY
    webhook_secret: str = WEBHOOK_SECRET

    @property
    def js_url(self) -> str:
        return f"{self.api_base}/js.stripe.com/v3/"

    def call(self, method: str, path: str, data: dict[str, Any] | None = None) -> dict:
        """A raw API call (JSON body, which localstripe accepts), for test set-up and checks."""
        body = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(
            self.api_base + path,
            data=body,
            method=method,
            headers={"Authorization": f"Bearer {self.secret_key}"},
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as answer:
                return json.loads(answer.read() or b"{}")
        except urllib.error.HTTPError as exc:
            return {"http_status": exc.code, **json.loads(exc.read() or b"{}")}

    def register_webhook(self, name: str, url: str, secret: str = WEBHOOK_SECRET) -> None:
        """localstripe's own route: send every event to ``url``, signed with ``secret``."""
        self.call("POST", f"/_config/webhooks/{name}", {"url": url, "secret": secret})


def signed_event(event: dict[str, Any], secret: str = WEBHOOK_SECRET) -> tuple[bytes, str]:
    """The body and Stripe-Signature header Stripe (and localstripe) send for ``event``."""
    payload = json.dumps(event).encode()
    stamp = int(time.time())
    digest = hmac.new(secret.encode(), b"%d." % stamp + payload, hashlib.sha256).hexdigest()
    return payload, f"t={stamp},v1={digest}"


@pytest.fixture(scope="session")
def localstripe() -> Iterator[LocalStripe]:
    port = free_port()
    process = subprocess.Popen(
        localstripe_command(port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    running = LocalStripe(api_base=f"http://127.0.0.1:{port}")
    try:
        wait_until_answering(running.js_url, process, START_SECONDS)
        with override_settings(
            STRIPE_API_BASE=running.api_base,
            STRIPE_JS_URL=running.js_url,
            STRIPE_SECRET_KEY=SECRET_KEY,
            STRIPE_PUBLISHABLE_KEY=PUBLISHABLE_KEY,
            STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        ):
            yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
