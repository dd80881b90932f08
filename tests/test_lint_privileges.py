"""A database role without CREATEDB (the documented role of many projects) gets a clear
``CommandError`` from the commands that lint on a scratch database, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from psycopg import sql

from safemigrations.db.server import Server

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def nocreatedb_url(pg_server: Server) -> Iterator[tuple[str, str]]:
    """A LOGIN NOCREATEDB role on the test server; its conninfo (database ``postgres``), name."""
    role = f"sm_nocreatedb_{uuid.uuid4().hex[:8]}"
    with pg_server.connect() as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN NOCREATEDB").format(sql.Identifier(role)))
    try:
        yield pg_server.conninfo("postgres", user=role, password=None), role
    finally:
        with pg_server.connect() as conn:
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(role)))


@pytest.mark.parametrize(
    "args",
    [
        ["lintmigrations", "shop"],
        ["safelintmigrations", "shop", "--format", "json"],
        ["sqlmigrate", "--lint", "shop", "0001"],
    ],
    ids=["lintmigrations", "safelintmigrations", "sqlmigrate--lint"],
)
def test_lint_as_a_role_without_createdb(nocreatedb_url: tuple[str, str], args: list[str]) -> None:
    url, role = nocreatedb_url
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.installorder.settings",
        "INSTALL_ORDER": "safemigrations,tests.installorder.shop",
        "DATABASE_URL": url,
    }
    proc = subprocess.run(
        [sys.executable, "-m", "django", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("CommandError: "), proc.stderr
    assert f"role '{role}' may not create databases" in proc.stderr
    assert f'ALTER ROLE "{role}" CREATEDB' in proc.stderr
    assert "SAFEMIGRATIONS['LINT_DATABASE_URL']" in proc.stderr
