"""Run ``manage.py migrate`` as a child process and kill it at a chosen statement."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Finished:
    """Exit code and output of a finished ``migrate`` child."""

    returncode: int
    stdout: str
    stderr: str


def migrate_env(conninfo: str) -> dict[str, str]:
    """Environment of a child ``migrate`` on the test database (DATABASE_URL = its conninfo)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": conninfo,
        "PYTHONPATH": str(ROOT),
    }


def start_migrate(conninfo: str, *args: str) -> subprocess.Popen[str]:
    """Start ``python -m django migrate *args`` against the test database."""
    return subprocess.Popen(
        [sys.executable, "-m", "django", "migrate", *args],
        env=migrate_env(conninfo),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen[str], timeout: float = 120) -> Finished:
    """Wait for a child to end; its exit code and output."""
    out, err = proc.communicate(timeout=timeout)
    return Finished(proc.returncode, out, err)


def migrate_backend(
    conn: psycopg.Connection, app_label: str, query_like: str, waiting: bool
) -> int | None:
    """pid of the child's backend that runs a statement like ``query_like`` (ILIKE pattern)."""
    row = conn.execute(
        """
        SELECT pid FROM pg_stat_activity
        WHERE application_name LIKE %s AND query ILIKE %s AND state = 'active'
          AND (NOT %s OR wait_event_type = 'Lock')
        """,
        [f"safemigrations {app_label}.%", query_like, waiting],
    ).fetchone()
    return int(row[0]) if row else None


def kill_when_running(
    proc: subprocess.Popen[str],
    conninfo: str,
    app_label: str,
    query_like: str,
    *,
    waiting: bool = True,
    timeout: float = 60,
) -> int:
    """SIGKILL the child process once its backend runs ``query_like``; return that backend."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(conninfo, autocommit=True) as conn:
        while time.monotonic() < deadline:
            pid = migrate_backend(conn, app_label, query_like, waiting)
            if pid is not None:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait(timeout=30)
                return pid
            if proc.poll() is not None:
                out, err = proc.communicate()
                raise AssertionError(
                    f"migrate ended (exit {proc.returncode}) before running {query_like!r}:\n"
                    f"{out}\n{err}"
                )
            time.sleep(0.005)
    proc.kill()
    raise AssertionError(f"migrate never ran {query_like!r} within {timeout}s")


def backend_alive(conninfo: str, pid: int) -> bool:
    """True while backend ``pid`` still exists."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
        return row is not None


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    """Poll ``condition`` until it holds; fail the test after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.02)


def migrate_started(conninfo: str, proc: subprocess.Popen[str]) -> bool:
    """True once the child ``migrate`` is connected under its own application_name."""
    with psycopg.connect(conninfo, autocommit=True) as conn:
        row = conn.execute(
            "SELECT 1 FROM pg_stat_activity WHERE application_name LIKE %s",
            [f"safemigrations % ({proc.pid})"],
        ).fetchone()
        return row is not None
