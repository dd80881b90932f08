"""Throw-away databases on a PostgreSQL server: for tests, benchmarks and the linter's replays."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from psycopg import sql

from .server import Server, get_server


def scratch_name(prefix: str) -> str:
    """A unique, valid database name that starts with ``prefix`` (at most 63 bytes)."""
    clean = re.sub(r"[^a-z0-9_]", "_", prefix.lower())[:40]
    return f"{clean}_{uuid.uuid4().hex[:12]}"


def create_database(server: Server, name: str, template: str | None = None) -> None:
    """``CREATE DATABASE name [TEMPLATE template]``."""
    stmt = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        stmt = sql.SQL("{} TEMPLATE {}").format(stmt, sql.Identifier(template))
    with server.connect() as conn:
        conn.execute(stmt)


def drop_database(server: Server, name: str) -> None:
    """``DROP DATABASE IF EXISTS name WITH (FORCE)``: ends sessions still connected to it."""
    with server.connect() as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextmanager
def scratch_database(
    prefix: str = "safemigrations", server: Server | None = None, template: str | None = None
) -> Iterator[str]:
    """Create a uniquely named database, yield its name, and drop it afterwards."""
    server = server or get_server()
    name = scratch_name(prefix)
    create_database(server, name, template)
    try:
        yield name
    finally:
        drop_database(server, name)
