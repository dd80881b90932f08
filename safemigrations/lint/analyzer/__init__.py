"""What one SQL statement does to the database, read from PostgreSQL's own parser (pglast).

For every statement :func:`analyze` answers: which tables it touches and the lock mode it takes on
each (PostgreSQL's documented lock levels, per target major version 14-18), whether it rewrites
a table, scans one to validate something, builds an index, creates or drops relations, and
whether PostgreSQL allows it inside a transaction block, as
:class:`~safemigrations.lint.facts.StatementFacts`.

One module per kind of statement holds its handlers (``alter_table``, ``indexes``, ``objects``,
``maintenance``, ``dml``, ``server``); ``base`` holds what they share. Lock levels follow the
PostgreSQL manual (``ALTER TABLE``, ``CREATE INDEX``, ``REINDEX``, "Explicit Locking") and were
checked against ``pg_locks`` (see the project's lint tests).
"""

from __future__ import annotations

from typing import Any

from safemigrations.lint.analyzer.alter_table import AlterTableHandlers
from safemigrations.lint.analyzer.base import Knowledge
from safemigrations.lint.analyzer.dml import DmlHandlers
from safemigrations.lint.analyzer.indexes import IndexHandlers
from safemigrations.lint.analyzer.maintenance import MaintenanceHandlers
from safemigrations.lint.analyzer.objects import ObjectHandlers
from safemigrations.lint.analyzer.server import ServerHandlers
from safemigrations.lint.facts import Action, StatementFacts
from safemigrations.lint.locks import LockMode
from safemigrations.lint.model import Statement
from safemigrations.lint.parsetree import parse_one

__all__ = ["Knowledge", "analyze"]


class _Analyzer(
    AlterTableHandlers,
    IndexHandlers,
    ObjectHandlers,
    MaintenanceHandlers,
    DmlHandlers,
    ServerHandlers,
):
    """Every statement handler."""


def analyze(
    statement: Statement,
    *,
    pg_version: int,
    known: Knowledge | None = None,
    node: Any | None = None,
) -> StatementFacts:
    """The :class:`StatementFacts` of one statement; unparsable SQL gives ``error`` set.

    ``known`` answers questions about earlier objects (old column types, which table an index
    belongs to, partitioned tables); ``node`` skips parsing when the caller already has the AST.
    """
    facts = StatementFacts(statement=statement)
    if node is None:
        node, error, offset = parse_one(statement.sql)
        if error is not None:
            facts.kind = "Unparsable"
            facts.error = error
            facts.error_offset = offset
            return facts
        if node is None:
            facts.kind = "Empty"
            return facts
    facts.node = node
    facts.kind = type(node).__name__
    try:
        _Analyzer(facts, known, pg_version).run(node)
    except Exception as exc:  # an AST shape we did not foresee must not stop the linter
        facts.opaque = True
        facts.error = None
        facts.kind = facts.kind or "Unknown"
        facts.actions.append(Action("unanalyzed", "", LockMode.ACCESS_SHARE, detail=repr(exc)))
    return facts
