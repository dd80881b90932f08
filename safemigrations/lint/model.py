"""Data shared by both halves of the linter: statements in, findings out, and schema knowledge.

The SQL side (``analyzer/``, ``engine.py``, ``rules/``) and the Django side (SQL collection from a
scratch database, migration-level rules, commands) only exchange these types, so either half can
change its internals without touching the other.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable


class Severity(StrEnum):
    """How bad a finding is; ``fail_on`` compares severities by :attr:`rank`."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Higher is worse: error 2, warning 1, info 0."""
        return {"error": 2, "warning": 1, "info": 0}[self.value]

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        """Read a severity from user input (case-insensitive), with a clear error otherwise."""
        if isinstance(value, Severity):
            return value
        try:
            return cls(str(value).strip().lower())
        except ValueError:
            choices = ", ".join(s.value for s in cls)
            raise ValueError(f"unknown severity {value!r}: use one of {choices}") from None


@dataclass
class Statement:
    """One SQL statement as it really runs, with where it came from.

    ``in_transaction`` says whether it runs inside a transaction block (an explicit ``BEGIN`` in a
    ``.sql`` file, or an atomic Django migration); statements of one transaction share
    ``transaction_id``. ``line``/``column`` are 1-based positions in ``file``. The Django fields
    (``app``, ``migration``, ``operation_index``, ``operation``) are None for plain SQL files.
    """

    sql: str
    line: int = 1
    column: int = 1
    file: str | None = None
    in_transaction: bool = False
    transaction_id: int | None = None
    app: str | None = None
    migration: str | None = None
    operation_index: int | None = None
    operation: str | None = None
    # Django deferred SQL: queued by the operation, run when the schema editor exits (after the
    # migration's later operations), so its line is the queuing operation's.
    deferred: bool = False
    # The Django names of the operation (app, model, field, index, constraint; see
    # ``safemigrations.lint.fixtext.operation_names``): a finding's fix text is written with them.
    names: dict[str, str] = field(default_factory=dict, compare=False)
    # The parser's AST when whoever built the statement already parsed it (not compared).
    node: Any = field(default=None, repr=False, compare=False)


@dataclass
class Finding:
    """One problem found by a rule, located at a statement; :meth:`to_dict` is the stable shape."""

    rule: str
    severity: Severity
    message: str
    why: str = ""
    fix: str = ""
    lock: str | None = None
    tables: list[str] = field(default_factory=list)
    sql: str = ""
    file: str | None = None
    # The mode taken on each table (e.g. VALIDATE of a foreign key: SHARE UPDATE EXCLUSIVE on
    # the table, ROW SHARE on the one it references); the text report shows it. Not part of
    # the stable JSON shape, whose ``lock`` is the strongest mode.
    table_locks: dict[str, str] = field(default_factory=dict)
    line: int = 1
    column: int = 1
    app: str | None = None
    migration: str | None = None
    operation_index: int | None = None
    operation: str | None = None
    # Why the finding affects no traffic (its tables are created earlier in the same
    # migration), or None. The Django side leaves such findings out and counts them.
    fresh: str | None = None
    # The table size the severity was judged by (``--table-stats``), or None when not judged.
    table_size: dict[str, Any] | None = None
    # The table the finding is about when ``tables`` also names others for context (SM961:
    # the table whose lock is held), else None; folding matches it. Not in the JSON shape.
    subject: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape every report format and CI integration relies on (keys are stable;
        ``fresh`` and ``table_size`` are added only when set: see ``--include-fresh`` and
        ``--table-stats``)."""
        operation = None
        if self.operation_index is not None or self.operation is not None:
            operation = {"index": self.operation_index, "description": self.operation}
        data = {
            "rule": self.rule,
            "severity": str(self.severity),
            "app": self.app,
            "migration": self.migration,
            "operation": operation,
            "sql": self.sql,
            "lock": self.lock,
            "tables": list(self.tables),
            "message": self.message,
            "why": self.why,
            "fix": self.fix,
            "file": self.file,
            "line": self.line,
            "column": self.column,
        }
        # Present only when set, so the stable keys stay exactly the documented ones otherwise.
        if self.fresh:
            data["fresh"] = self.fresh
        if self.table_size:
            data["table_size"] = dict(self.table_size)
        return data

    @classmethod
    def located_at(cls, statement: Statement, **fields: Any) -> Finding:
        """A finding anchored at ``statement`` (file, position, Django origin and SQL copied)."""
        fields.setdefault("sql", statement.sql)
        return cls(
            file=statement.file,
            line=statement.line,
            column=statement.column,
            app=statement.app,
            migration=statement.migration,
            operation_index=statement.operation_index,
            operation=statement.operation,
            **fields,
        )


@runtime_checkable
class SchemaInfo(Protocol):
    """What the linter may know about the schema before a statement runs.

    Used to tell a binary-coercible type change (no rewrite) from a rewrite. ``column_type``
    returns the formatted SQL type (``format_type`` style, e.g. ``character varying(100)``,
    ``numeric(10,2)``, ``integer``) or None when unknown. Table names are unqualified or
    ``schema.table``; implementations should accept both.
    """

    def column_type(self, table: str, column: str) -> str | None: ...


def _norm(name: str) -> str:
    """Catalog spelling of an identifier that came from SQL text (unquoted names fold to lower)."""
    name = name.strip()
    if len(name) >= 2 and name.startswith('"') and name.endswith('"'):
        return name[1:-1].replace('""', '"')
    return name.lower()


class MemorySchema:
    """An in-memory :class:`SchemaInfo`, seeded from a dict and taught by statements as they pass.

    In plain ``.sql`` mode the engine records the column types of every ``CREATE TABLE``,
    ``ADD COLUMN`` and ``ALTER COLUMN … TYPE`` it sees, so a later type change in the same input
    can be judged. The Django side seeds it from the scratch database catalog or the migration
    state: ``MemorySchema({"app_book": {"title": "character varying(200)"}})``.
    """

    def __init__(self, columns: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self._columns: dict[str, dict[str, str]] = {}
        for table, cols in (columns or {}).items():
            for column, sql_type in cols.items():
                self.set_column_type(table, column, sql_type)

    @staticmethod
    def _table_key(table: str) -> str:
        parts = [p for p in table.split(".") if p]
        return _norm(parts[-1]) if parts else ""

    def set_column_type(self, table: str, column: str, sql_type: str | None) -> None:
        """Record (or forget, with None) the type of ``table.column``."""
        key = self._table_key(table)
        if sql_type is None:
            self._columns.get(key, {}).pop(_norm(column), None)
            return
        self._columns.setdefault(key, {})[_norm(column)] = sql_type

    def drop_table(self, table: str) -> None:
        """Forget every column of ``table``."""
        self._columns.pop(self._table_key(table), None)

    def rename_table(self, old: str, new: str) -> None:
        """Follow a table rename."""
        cols = self._columns.pop(self._table_key(old), None)
        if cols is not None:
            self._columns[self._table_key(new)] = cols

    def rename_column(self, table: str, old: str, new: str) -> None:
        """Follow a column rename."""
        cols = self._columns.get(self._table_key(table))
        if cols is not None and _norm(old) in cols:
            cols[_norm(new)] = cols.pop(_norm(old))

    def column_type(self, table: str, column: str) -> str | None:
        """The recorded type of ``table.column``, or None when it was never seen."""
        return self._columns.get(self._table_key(table), {}).get(_norm(column))

    def tables(self) -> Iterable[str]:
        """Names of the tables with at least one known column."""
        return list(self._columns)


class ChainedSchema:
    """Ask ``first`` (what this input taught), then ``fallback`` (what the caller knew before)."""

    def __init__(self, first: SchemaInfo, fallback: SchemaInfo | None) -> None:
        self.first = first
        self.fallback = fallback

    def foreign_key_target(self, table: str, constraint: str) -> str | None:
        """Passed through to ``fallback`` when it knows foreign keys (optional SchemaInfo extra)."""
        return self.ask("foreign_key_target", None, table, constraint)  # type: ignore[no-any-return]

    def ask(self, question: str, default: Any, *args: Any) -> Any:
        """Call an optional SchemaInfo extra (``foreign_keys``, ``indexes``, ``checks_on``, …) on
        ``fallback``; ``default`` when the fallback cannot answer it (plain SQL files)."""
        method = getattr(self.fallback, question, None)
        return method(*args) if method is not None else default

    def column_type(self, table: str, column: str) -> str | None:
        """The type from ``first`` if known there, else from ``fallback``."""
        found = self.first.column_type(table, column)
        if found is None and self.fallback is not None:
            return self.fallback.column_type(table, column)
        return found

    def index_table(self, index: str) -> str | None:
        """The table of an index, when either schema knows it (optional ``index_table``)."""
        for schema in (self.first, self.fallback):
            lookup = getattr(schema, "index_table", None)
            found = lookup(index) if lookup is not None else None
            if found is not None:
                return str(found)
        return None
