"""Replay SQL files on a scratch database, so each file is judged against the real catalog.

``safemigrations lint --replay URL a.sql b.sql …`` creates a throw-away database on the server at
``URL``, runs the ``--schema`` baseline there, and before linting each file reads the catalog
(one query, :func:`safemigrations.lint.snapshot.read_snapshot`): column types, indexes and their
columns, foreign keys, validated checks — exactly what the earlier files left, including what
static reading cannot see (``DO`` blocks, functions, extensions). After a file is linted it is
run there too (as psql would: its own ``BEGIN``/``COMMIT``, else each statement alone, or the
whole file in one transaction with ``--transaction-per-file``). When a statement fails, the
replay stops: the failure is reported, and the later files are judged statically.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from pglast import ast

from safemigrations.lint.model import Statement
from safemigrations.lint.snapshot import CatalogSchema, read_snapshot
from safemigrations.lint.volatility import DatabaseVolatility


class ReplaySchema(CatalogSchema):
    """Catalog knowledge read from the scratch database, plus ``pg_proc`` volatility."""

    def __init__(self, snapshot: Any, volatility: DatabaseVolatility) -> None:
        super().__init__(snapshot.columns, snapshot.index_tables, snapshot)
        self._volatility = volatility

    def function_volatility(self, name: str) -> str | None:
        """``pg_proc.provolatile`` of a function of the scratch database."""
        return self._volatility.function_volatility(name)


class Replay:
    """A scratch database the files are run on, one after the other."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.failure: str | None = None

    def reset(self) -> None:
        """Start an empty history again on the same database (``public`` schema recreated),
        cheaper than a new database per history."""
        self.failure = None
        self.connection.execute("DROP SCHEMA IF EXISTS public CASCADE")
        self.connection.execute("CREATE SCHEMA public")

    def knowledge(self) -> ReplaySchema:
        """What the catalog holds now (before the next file)."""
        with self.connection.cursor() as cursor:
            snapshot = read_snapshot(cursor)
        return ReplaySchema(snapshot, DatabaseVolatility(self.connection))

    def run(self, statements: Sequence[tuple[Statement, Any]], *, wrap: bool) -> str | None:
        """Run a file's statements; the error (``file:line: message``) of the first that fails,
        else None. ``wrap`` runs them in one transaction."""
        conn = self.connection
        try:
            if wrap:
                conn.execute("BEGIN")
            for stmt, node in statements:
                if _skipped(node):
                    continue
                try:
                    conn.execute(stmt.sql)
                except Exception as exc:
                    message = str(exc).strip().splitlines()[0] if str(exc).strip() else repr(exc)
                    self.failure = f"{stmt.file}:{stmt.line}: {message}"
                    return self.failure
            if wrap:
                conn.execute("COMMIT")
            return None
        finally:
            if conn.info.transaction_status != 0:  # idle in (or failed) transaction
                conn.execute("ROLLBACK")


def _skipped(node: Any) -> bool:
    """Statements not run on the scratch database: ``COPY … FROM stdin`` (its data is not
    there), and unparsable text (already reported as ``SM000``)."""
    if isinstance(node, ast.CopyStmt):
        return bool(node.is_from) and not node.filename
    return not isinstance(node, ast.Node)


@contextmanager
def scratch_replay(url: str) -> Iterator[Replay]:
    """A :class:`Replay` on a new database of the server at ``url``, dropped afterwards."""
    from psycopg.conninfo import conninfo_to_dict

    from safemigrations.db.scratch import scratch_database
    from safemigrations.db.server import Server

    params = {k: str(v) for k, v in conninfo_to_dict(url).items() if v is not None}
    server = Server(params=params, source="--replay")
    with scratch_database("safemigrations_lint_replay", server) as name:
        conn = server.connect(name)
        try:
            yield Replay(conn)
        finally:
            conn.close()
