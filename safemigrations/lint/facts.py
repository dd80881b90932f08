"""What one SQL statement does to the database, as values: :class:`StatementFacts` and its
:class:`Action` entries.

:func:`safemigrations.lint.analyzer.analyze` fills them from PostgreSQL's parse tree; the rules
of :mod:`safemigrations.lint.rules` read them instead of re-parsing SQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from safemigrations.lint.locks import LockMode, strongest
from safemigrations.lint.model import Statement


@dataclass
class Action:
    """One thing a statement does to one table (one ALTER TABLE sub-command, or the statement).

    ``rewrites`` is None when it depends on something the linter cannot see (e.g. the old type
    of a column it never saw created).
    """

    kind: str
    table: str
    lock: LockMode
    column: str | None = None
    node: Any = None
    rewrites: bool | None = False
    scans: bool = False
    builds_index: bool = False
    detail: str = ""
    not_valid: bool = False
    referenced: str | None = None


@dataclass
class StatementFacts:
    """Everything rules need to know about one statement; ``node`` is the pglast AST (or None)."""

    statement: Statement
    node: Any = None
    kind: str = ""
    error: str | None = None
    error_offset: int | None = None
    locks: dict[str, LockMode] = field(default_factory=dict)
    actions: list[Action] = field(default_factory=list)
    rewrites: set[str] = field(default_factory=set)
    maybe_rewrites: set[str] = field(default_factory=set)
    scans: set[str] = field(default_factory=set)
    index_builds: set[str] = field(default_factory=set)
    created: set[str] = field(default_factory=set)
    dropped: set[str] = field(default_factory=set)
    concurrently: bool = False
    transactional: bool = True
    opaque: bool = False
    is_ddl: bool = False
    is_dml: bool = False

    @property
    def sql(self) -> str:
        """The statement's SQL text."""
        return self.statement.sql

    @property
    def in_transaction(self) -> bool:
        """Whether the statement really runs inside a transaction block."""
        return self.statement.in_transaction

    @property
    def tables(self) -> list[str]:
        """Every relation the statement locks, creates or drops, sorted."""
        return sorted(set(self.locks) | self.created | self.dropped)

    @property
    def lock_labels(self) -> dict[str, str]:
        """``locks`` with the modes spelled like the manual (``ACCESS EXCLUSIVE``)."""
        return {table: mode.label for table, mode in self.locks.items()}

    def strongest_lock(self) -> tuple[str, LockMode] | None:
        """The table with the strongest lock and that lock, or None when nothing is locked."""
        if not self.locks:
            return None
        table = max(self.locks, key=lambda t: self.locks[t])
        return table, self.locks[table]

    def actions_of(self, *kinds: str) -> Iterator[Action]:
        """The actions of the given kinds."""
        return (a for a in self.actions if a.kind in kinds)

    def lock(self, table: str, mode: LockMode) -> None:
        """Record ``mode`` on ``table``, keeping the strongest mode per table."""
        if not table:
            return
        current = self.locks.get(table)
        self.locks[table] = strongest(current, mode) or mode
