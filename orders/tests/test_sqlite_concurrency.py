"""On the default SQLite database, simultaneous writers wait their turn instead of failing
with "database is locked" (WAL, IMMEDIATE transactions, a busy timeout)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_three_simultaneous_refunds_on_sqlite_all_go_through(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "SECRET_KEY": "sqlite-test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
        "CELERY_TASK_ALWAYS_EAGER": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHONPATH": str(ROOT),
    }
    result = subprocess.run(
        [sys.executable, str(Path(__file__).with_name("sqlite_concurrency_script.py"))],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = sorted(line for line in result.stdout.splitlines() if line)
    assert lines == ["journal wal", "refunded 0", "refunded 1", "refunded 2"], result.stdout
