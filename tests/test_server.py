"""How the harness finds or starts PostgreSQL, and how it fails when it cannot."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from safemigrations.db.server import (
    DatabaseUnavailable,
    EmbeddedPostgres,
    check_reachable,
    find_server_bindir,
    server_from_url,
)


def test_database_url_is_parsed_into_libpq_parameters() -> None:
    server = server_from_url("postgres://alice:s3cret@db.example:6543/shop?sslmode=disable")
    assert server.params["host"] == "db.example"
    assert server.params["port"] == "6543"
    assert server.params["user"] == "alice"
    assert server.params["password"] == "s3cret"
    assert server.dbname == "shop"
    settings = server.django_database()
    assert settings["ENGINE"] == "django.db.backends.postgresql"
    assert (settings["HOST"], settings["PORT"], settings["NAME"]) == ("db.example", "6543", "shop")
    assert "dbname=other" in server.conninfo("other")


def test_invalid_database_url_says_what_is_wrong() -> None:
    with pytest.raises(DatabaseUnavailable, match="not a valid PostgreSQL URL"):
        server_from_url("this is not a url")


def test_unreachable_database_url_fails_with_advice() -> None:
    server = server_from_url("postgresql://postgres@127.0.0.1:1/postgres")
    with pytest.raises(DatabaseUnavailable) as info:
        check_reachable(server, "DATABASE_URL=postgresql://postgres@127.0.0.1:1/postgres")
    message = str(info.value)
    assert "Cannot connect to PostgreSQL" in message
    assert "Set DATABASE_URL" in message
    assert "safemigrations[embedded]" in message


def test_pytest_run_with_unreachable_database_fails_loudly(tmp_path: object) -> None:
    """No database means a failed run with a message, never skipped tests."""
    env = {**os.environ, "DATABASE_URL": "postgresql://postgres@127.0.0.1:1/postgres"}
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_harness.py"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode != 0
    output = proc.stdout + proc.stderr
    assert "Cannot connect to PostgreSQL" in output
    assert "passed" not in output.splitlines()[-1] if output.strip() else True
    assert " skipped" not in output


def test_local_server_binaries_start_as_an_embedded_cluster() -> None:
    """The fallback used on Python 3.13 (no pgserver wheel): the machine's own binaries."""
    bindir = find_server_bindir()
    assert bindir is not None, "this machine has PostgreSQL server binaries (see README)"
    embedded = EmbeddedPostgres()
    try:
        server = embedded._start_local_binaries()
        assert server.version_num() >= 140000
        with server.connect() as conn:
            row = conn.execute("SELECT current_user").fetchone()
        assert row is not None
        assert row[0] in {"postgres", "nobody"} | {os.environ.get("USER", "")}
    finally:
        embedded.stop()
    assert not embedded.tmpdir.exists()
