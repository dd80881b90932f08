"""What every statement handler of the analyzer shares: the facts being filled, the knowledge
source it may ask about earlier objects, and the dispatch from a parse-tree node to its handler.

Handlers live in the sibling modules, one per kind of statement, as mixins of
:class:`AnalyzerBase`; :mod:`safemigrations.lint.analyzer` puts them together.
"""

from __future__ import annotations

from typing import Any, Protocol

from pglast import ast

from safemigrations.lint.facts import Action, StatementFacts
from safemigrations.lint.locks import LockMode
from safemigrations.lint.parsetree import relname, short, walk

AX = LockMode.ACCESS_EXCLUSIVE
SUX = LockMode.SHARE_UPDATE_EXCLUSIVE
SRX = LockMode.SHARE_ROW_EXCLUSIVE


class Knowledge(Protocol):
    """What :func:`~safemigrations.lint.analyzer.analyze` may ask about objects created or seen
    before the statement."""

    def column_type(self, table: str, column: str) -> str | None: ...

    def index_table(self, index: str) -> str | None: ...

    def is_partitioned(self, table: str) -> bool: ...


# Optional Knowledge methods (looked up with getattr, so older sources keep working):
#   is_constrained_domain(type_name) -> bool
#   foreign_key_target(table, constraint_name) -> str | None   (VALIDATE also locks that table)
#   function_volatility(name) -> "immutable" | "stable" | "volatile" | None   (pg_proc)


class AnalyzerBase:
    """Fills one statement's :class:`StatementFacts`; ``on_<NodeType>`` methods handle a node."""

    def __init__(self, facts: StatementFacts, known: Knowledge | None, pg_version: int) -> None:
        self.f = facts
        self.known = known
        self.pg_version = pg_version

    def add(self, action: Action) -> Action:
        """Record ``action`` and what it implies (its lock, rewrite, scan, index build)."""
        self.f.actions.append(action)
        self.f.lock(action.table, action.lock)
        if action.rewrites:
            self.f.rewrites.add(action.table)
        elif action.rewrites is None:
            self.f.maybe_rewrites.add(action.table)
        if action.scans:
            self.f.scans.add(action.table)
        if action.builds_index:
            self.f.index_builds.add(action.table)
        return action

    def run(self, node: Any) -> None:
        """Hand ``node`` to its ``on_<NodeType>`` handler; an unhandled node is only classified."""
        handler = getattr(self, "on_" + type(node).__name__, None)
        if handler is not None:
            handler(node)
        else:
            self.f.is_ddl = type(node).__name__.startswith(("Create", "Alter", "Drop"))

    # -- what the knowledge source can tell ------------------------------------------------
    def _not_null_index(self, table: str, con: Any) -> bool:
        """True when the index of ``USING INDEX`` is known to cover only NOT NULL columns."""
        columns = getattr(self.known, "index_columns", {}).get(con.indexname or "")
        is_not_null = getattr(self.known, "is_not_null", None)
        if not columns or is_not_null is None:
            return False
        return all(c and is_not_null(table, c) for c in columns)

    def _function_volatility(self, name: str) -> str | None:
        """A function's class from the knowledge source (a database's ``pg_proc``), if any."""
        ask = getattr(self.known, "function_volatility", None)
        return ask(name) if ask is not None else None

    def _fk_target(self, table: str, constraint: str) -> str | None:
        """The table a foreign key references, when the knowledge source can tell."""
        ask = getattr(self.known, "foreign_key_target", None)
        return ask(table, constraint) if ask is not None else None

    def _is_constrained_domain(self, type_text: str) -> bool:
        check = getattr(self.known, "is_constrained_domain", None)
        return bool(check and check(type_text))

    def _referencing_tables(self, table: str, column: str) -> list[str]:
        """Tables whose foreign keys reference ``table.column`` (from the Django side's catalog
        snapshot; unknown for plain SQL)."""
        ask = getattr(self.known, "ask_schema", None)
        if ask is not None:
            fks = ask("foreign_keys", [])
        else:
            method = getattr(self.known, "foreign_keys", None)
            fks = method() if callable(method) else []
        return sorted(
            {
                fk.table
                for fk in fks
                if fk.referenced == short(table) and column in fk.referenced_columns
            }
        )

    # -- reads ------------------------------------------------------------------------------
    def _reads(self, query: Any) -> None:
        """ACCESS SHARE on every relation a query reads; a function call makes it opaque."""
        for sub in walk(query):
            if isinstance(sub, ast.RangeVar) and sub.relname:
                if relname(sub) not in self.f.locks:
                    self.f.lock(relname(sub), LockMode.ACCESS_SHARE)
            elif isinstance(sub, ast.FuncCall):
                self.f.opaque = True
