"""Benchmark: the Alexa endpoint against a bare Django JsonResponse, same server, same run.

    .venv/bin/python bench/skill_endpoint.py [--port 18150] [--seconds 8] [--connections 4]

Creates a throwaway PostgreSQL database (``DATABASE_URL`` names the server; default
``postgres://postgres@127.0.0.1:5432/``), migrates it and seeds the No Nicks demo, then
serves the portal with gunicorn (2 sync workers, 127.0.0.1 only) and drives with wrk:

* ``bare``: GET /bare/, a plain JsonResponse view (bench-only URL conf),
* ``floor-sdk``: the signed LaunchRequest to a bench-only view that verifies it and runs it
  through ask-sdk-core (deserialize, one handler, serialize) with no database,
* ``floor-db``: the same plus one hand-written indexed read and one log INSERT,
* ``launch``: a signed LaunchRequest to POST /alexa/,
* ``order``: a signed OrderProductIntent ("two packs of refills") to POST /alexa/.

The floors are what every turn must pay before any store logic, so they bound from above
the ratio any implementation of the skill could reach in the same run.

Requests are signed with a locally generated CA (the endpoint verifies chain, SAN, signature
and timestamp on every request, the certificate cached as in production). Prints requests
per second, the ratio to bare, and p50/p99 latency. Goal: ratio >= 0.6, p99 < 100 ms. Stops
gunicorn and drops the database at the end, whatever happens; every step has a time limit.
"""

import argparse
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-bench.pem"
USER_ID = "amzn1.ask.account.BENCHSHOPPER"


def psql(server: str, sql: str) -> None:
    import psycopg2

    parts = urlsplit(server)
    connection = psycopg2.connect(
        host=parts.hostname or "127.0.0.1",
        port=parts.port or 5432,
        user=parts.username or "postgres",
        password=parts.password or None,
        dbname="postgres",
        connect_timeout=5,
    )
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(sql)
    connection.close()


def run(cmd, env, timeout):
    subprocess.run(cmd, env=env, cwd=ROOT, check=True, timeout=timeout, capture_output=True)


def make_bodies(tmp: Path, refills_id: int) -> dict:
    """Signed envelopes (fresh timestamps) and the CA files the server verifies them with."""
    from types import SimpleNamespace

    from cryptography.hazmat.primitives import serialization

    from demo.seed import DEMO_SKILL_ID
    from skill.testing.envelopes import envelope, intent, launch, product_slot
    from skill.tests.certs import make_root, make_signer

    root = make_root("Bench Root")
    signer = make_signer(root)
    (tmp / "root.pem").write_bytes(root.cert.public_bytes(serialization.Encoding.PEM))
    (tmp / "chain.pem").write_bytes(signer.chain_pem)
    refills = SimpleNamespace(name="No Nicks Blade Refills", pk=refills_id)
    slots = {
        "Product": product_slot(refills, words="packs of refills"),
        "Quantity": product_slot(None, words="2", name="Quantity"),
    }
    return {
        "root": tmp / "root.pem",
        "chain": tmp / "chain.pem",
        "signer": signer,
        "launch": envelope(launch(), skill_id=DEMO_SKILL_ID, user_id=USER_ID),
        "order": envelope(
            intent("OrderProductIntent", slots), skill_id=DEMO_SKILL_ID, user_id=USER_ID
        ),
    }


LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["SignatureCertChainUrl"] = "{url}"
wrk.headers["Signature-256"] = "{signature}"
local f = io.open("{body}", "rb")
wrk.body = f:read("*a")
f:close()
"""


def wrk(url: str, *, seconds: int, connections: int, script: Path | None = None) -> dict:
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "2s"]
    if script:
        cmd += ["-s", str(script)]
    out = subprocess.run(
        [*cmd, url], capture_output=True, text=True, timeout=seconds + 30, check=True
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)

    def pct(label):
        value, unit = re.search(rf"\s{label}%\s+([\d.]+)(us|ms|s)", out).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]

    return {
        "rps": rps,
        "p50": pct("50"),
        "p99": pct("99"),
        "errors": int(non2xx.group(1)) if non2xx else 0,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=18150)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--connections", type=int, default=4)
    args = parser.parse_args()

    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/")
    parts = urlsplit(server)
    database = f"bench_skill_{os.getpid()}"
    database_url = parts._replace(path=f"/{database}").geturl()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "bench.skill_endpoint_settings",
        "SECRET_KEY": "bench-only-secret",
        "DEBUG": "false",
        "ALEXA_VERIFY_REQUESTS": "true",
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "ERROR",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "CELERY_BROKER_URL": "",
    }
    psql(server, f'DROP DATABASE IF EXISTS "{database}"')
    psql(server, f'CREATE DATABASE "{database}"')
    gunicorn = None
    try:
        python = str(ROOT / ".venv" / "bin" / "python")
        run([python, "manage.py", "migrate", "--no-input"], env, 300)
        run([python, "manage.py", "seed_demo"], env, 120)
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            os.environ.update({k: env[k] for k in ("DATABASE_URL", "SECRET_KEY", "DEBUG")})
            os.environ["DJANGO_SETTINGS_MODULE"] = env["DJANGO_SETTINGS_MODULE"]
            import django

            django.setup()
            from catalog.models import Product

            refills_id = Product.objects.get(sku="NN-BLADES-8").pk
            bodies = make_bodies(tmp, refills_id)
            env["BENCH_ROOT_PEM"], env["BENCH_CHAIN_PEM"] = (
                str(bodies["root"]),
                str(bodies["chain"]),
            )
            gunicorn = subprocess.Popen(
                [
                    str(ROOT / ".venv" / "bin" / "gunicorn"),
                    "config.wsgi:application",
                    "--workers",
                    "2",
                    "--bind",
                    f"127.0.0.1:{args.port}",
                    "--log-level",
                    "warning",
                    "--timeout",
                    "30",
                ],  # fmt: skip
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                start_new_session=True,
            )
            base = f"http://127.0.0.1:{args.port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(f"{base}/bare/", timeout=2).read()
                    break
                except OSError:
                    if time.monotonic() > deadline or gunicorn.poll() is not None:
                        raise RuntimeError("gunicorn did not start") from None
                    time.sleep(0.2)

            scripts = {}
            for name in ("launch", "order"):
                raw = json.dumps(bodies[name]).encode()
                (tmp / f"{name}.json").write_bytes(raw)
                check = urllib.request.Request(
                    f"{base}/alexa/",
                    data=raw,
                    headers={
                        "Content-Type": "application/json",
                        "SignatureCertChainUrl": CERT_URL,
                        "Signature-256": bodies["signer"].sign(raw),
                    },
                )
                answer = json.loads(urllib.request.urlopen(check, timeout=5).read())
                assert answer["response"].get("outputSpeech"), answer
                script = tmp / f"{name}.lua"
                script.write_text(
                    LUA.format(
                        url=CERT_URL,
                        signature=bodies["signer"].sign(raw),
                        body=tmp / f"{name}.json",
                    )
                )
                scripts[name] = script

            # Warm both workers up, then measure (the bodies stay within the 150 s window).
            wrk(f"{base}/bare/", seconds=1, connections=args.connections)
            wrk(f"{base}/alexa/", seconds=1, connections=args.connections, script=scripts["launch"])
            runs = {
                "bare": ("/bare/", None),
                "floor-sdk": ("/floor/sdk/", "launch"),
                "floor-db": ("/floor/db/", "launch"),
                "launch": ("/alexa/", "launch"),
                "order": ("/alexa/", "order"),
            }
            results = {
                name: wrk(
                    f"{base}{url}",
                    seconds=args.seconds,
                    connections=args.connections,
                    script=scripts[body] if body else None,
                )
                for name, (url, body) in runs.items()
            }
    finally:
        if gunicorn is not None and gunicorn.poll() is None:
            os.killpg(gunicorn.pid, signal.SIGTERM)
            try:
                gunicorn.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(gunicorn.pid, signal.SIGKILL)
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 (django may not be set up yet)
            pass
        psql(server, f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')

    bare = results["bare"]["rps"]
    print(f"gunicorn 2 sync workers, wrk 2 threads x {args.connections} connections, "
          f"{args.seconds}s per run, PostgreSQL, signatures verified")  # fmt: skip
    print(f"{'run':<8}{'req/s':>10}{'ratio':>8}{'p50 ms':>9}{'p99 ms':>9}{'non-2xx':>9}")
    ok = True
    for name, result in results.items():
        ratio = result["rps"] / bare if bare else 0.0
        print(
            f"{name:<8}{result['rps']:>10.0f}{ratio:>8.2f}{result['p50']:>9.2f}"
            f"{result['p99']:>9.2f}{result['errors']:>9}"
        )
        if name in ("launch", "order"):
            ok = ok and ratio >= 0.6 and result["p99"] < 100 and result["errors"] == 0
        elif name != "bare" and result["errors"]:
            ok = False
    print("goal (ratio >= 0.6, p99 < 100 ms, no errors):", "met" if ok else "NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
