"""The official UCP conformance suite (2026-04-08) against the served portal, as CI runs it.

A throwaway SQLite database is migrated and seeded with ``ucp_conformance_fixtures``; the
portal is served by gunicorn on a free loopback port as a test deployment (simulation secret
set, real settings otherwise: DEBUG off, encrypted secrets, no broker so tasks run after
commit in the web process); then the suite's ``run.sh`` runs against the store's UCP root.

Every test must pass except the ones that contradict the specification (the spec wins; each
is named below with the section it contradicts), and the only skip allowed is the suite's
own unconditional one.
"""

import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.conf import settings

from testing import require

# Where the suite is: UCP_CONFORMANCE_DIR, else the workspace's shared folder beside this
# checkout, else the workspace's own (a fresh clone elsewhere, as CI makes).
_CANDIDATES = [
    settings.BASE_DIR.parent / "shared" / "ucp-conformance",
    Path("/work/shared/ucp-conformance"),
]
SUITE = Path(
    os.environ.get("UCP_CONFORMANCE_DIR")
    or next((path for path in _CANDIDATES if (path / "run.sh").exists()), _CANDIDATES[0])
)
SLUG = "conformance-flowers"
# test name -> the section of the 2026-04-08 specification it contradicts
SPEC_CONFLICTS = {
    "protocol_test.py::test_version_negotiation": (
        "overview.md, Negotiation Protocol > Error Handling (invalid_profile_url: a malformed "
        "profile URL is 400) and Profile Requirements > Fetching: the test expects 201 for "
        'UCP-Agent: profile="..."'
    ),
}
# The suite skips this test unconditionally (@unittest.skip: schemas not yet on ucp.dev).
SUITE_SKIPS = {"protocol_test.py:101"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def served_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST"))}
    env.update(
        DATABASE_URL=os.environ.get(
            "UCP_CONFORMANCE_DATABASE_URL", f"sqlite:///{tmp_path}/ucp.sqlite3"
        ),
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(40),
        FIELD_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CELERY_BROKER_URL="",
        CELERY_TASK_ALWAYS_EAGER="true",
        UCP_SIMULATION_SECRET=secrets.token_urlsafe(16),
        STAFF_REQUIRE_2FA="false",
    )
    return env


def manage(env: dict[str, str], *args: str, timeout: int = 600) -> None:
    subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        check=True,
        timeout=timeout,
        capture_output=True,
    )


def wait_until_served(url: str, process: subprocess.Popen, seconds: int = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "gunicorn exited"
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"{url} was not served within {seconds} s")


def failed_tests(output: str) -> set[str]:
    found = re.findall(r"^FAILED (\S+?)::\w+::(\w+)", output, flags=re.MULTILINE)
    found += re.findall(r"^ERROR (\S+?)::\w+::(\w+)", output, flags=re.MULTILINE)
    return {f"{module}::{name}" for module, name in found}


def skipped_tests(output: str) -> set[str]:
    return set(re.findall(r"^SKIPPED \[\d+\] (\S+):", output, flags=re.MULTILINE))


@pytest.mark.timeout(1800)
def test_the_official_suite_passes_against_the_served_portal(tmp_path):
    require((SUITE / "run.sh").exists(), f"the conformance suite is not at {SUITE}")
    env = served_env(tmp_path)
    manage(env, "migrate", "--no-input")
    fixtures = tmp_path / "fixtures"
    manage(
        env, "ucp_conformance_fixtures", "--store", SLUG, "--out", str(fixtures), "--create-store"
    )
    port = free_port()
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [
            str(gunicorn),
            "config.wsgi",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            "1",
            "-k",
            "gthread",
            "--threads",
            "8",
            "--timeout",
            "120",
        ],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        root = f"http://127.0.0.1:{port}/ucp/{SLUG}"
        wait_until_served(f"{root}/.well-known/ucp", server)
        suite_env = {
            **os.environ,
            "MOCK_WEBHOOK_PORT": str(free_port()),
            "MOCK_AGENT_PORT": str(free_port()),
        }
        result = subprocess.run(
            [
                str(SUITE / "run.sh"),
                root,
                env["UCP_SIMULATION_SECRET"],
                str(fixtures / "conformance_input.json"),
                str(fixtures / "test_fixtures.json"),
            ],
            cwd=SUITE,
            env=suite_env,
            capture_output=True,
            text=True,
            timeout=1800,
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    output = result.stdout + result.stderr
    summary = re.search(r"ucp-conformance: (\d+)/(\d+) tests pass", output)
    assert summary, output[-3000:]
    passed, ran = int(summary.group(1)), int(summary.group(2))
    assert failed_tests(output) == set(SPEC_CONFLICTS), output[-6000:]
    assert skipped_tests(output) <= SUITE_SKIPS, output[-3000:]
    assert ran >= 75
    assert passed == ran - len(SPEC_CONFLICTS), output[-3000:]
