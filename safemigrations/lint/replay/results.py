"""What a replay found: the statements each target ran, its failure, and the run's counters."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.migrations.migration import Migration
from django.db.migrations.state import ProjectState

from safemigrations.lint.fixtext import operation_names
from safemigrations.lint.model import Statement
from safemigrations.lint.snapshot import CatalogSchema, Snapshot
from safemigrations.lint.source import source_of
from safemigrations.lint.split import split_sql

Key = tuple[str, str]

#: Where to report a failure of the linter itself (printed with every internal error).
REPORT_TO = (
    "this is a bug in safemigrations' linter, not in the migration: please report it with the "
    "migration file, the error above and `pip freeze | grep -i -e django -e psycopg`"
)


@dataclass
class CapturedStatement:
    """One statement the schema editor (or RunSQL / RunPython) executed.

    ``sql`` has its parameters inlined. ``operation_index`` is the top-level operation that ran
    it, or queued it as deferred SQL (``deferred=True``: it runs when the schema editor exits).
    """

    sql: str
    in_transaction: bool
    transaction_id: int | None
    operation_index: int | None
    deferred: bool = False
    error: str | None = None
    observation: Any = None
    # Foreign keys this statement drops that had an ON DELETE action: (constraint, table, action).
    dropped_foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class MigrationFailure:
    """A migration that raised when applied the way ``migrate`` applies it."""

    error: str
    error_type: str
    operation_index: int | None
    atomic: bool
    applied_without_transaction: bool = False


@dataclass
class CollectedMigration:
    """What one target migration really ran, with the state and schema before it.

    The catalog (``snapshot``, ``column_types``, ``index_tables``) is read just before the first
    statement whose judgement needs it (a type change, ``DROP INDEX``, ``REINDEX``, a foreign
    key, ``VALIDATE``/``DROP CONSTRAINT``): it is the schema before the migration plus what the
    migration's own earlier statements did, which the linter also learns from their SQL.
    Migrations that run no such statement cost no catalog read.
    """

    app: str
    name: str
    migration: Migration
    from_state: ProjectState | None  # None once the linter has judged it (memory)
    statements: list[CapturedStatement]
    column_types: dict[str, dict[str, str]]
    index_tables: dict[str, str] = field(default_factory=dict)
    failure: MigrationFailure | None = None
    snapshot: Snapshot | None = None
    #: Why the linter could not analyse the migration (its SQL was not captured): an error of
    #: the linter itself, or a scratch database that could not be brought to the state before
    #: it. Reported as an error-level finding (SM910) and counted as "not analysed".
    not_analysed: str | None = None
    #: The linter's own failures while capturing (e.g. a catalog read): the SQL was captured
    #: and linted, but what needed that information could not be judged (SM910 too).
    linter_errors: list[str] = field(default_factory=list)
    #: How the schema before it was made when that differs from the run's build mode.
    build_note: str | None = None

    @property
    def key(self) -> Key:
        return (self.app, self.name)

    def take_snapshot(self, snapshot: Snapshot | None) -> None:
        """Record the catalog read during the replay (None: no statement needed it)."""
        self.snapshot = snapshot or Snapshot()
        self.column_types = self.snapshot.columns
        self.index_tables = self.snapshot.index_tables

    def descriptions(self) -> list[str]:
        """``describe()`` of each top-level operation."""
        return [_describe(op) for op in self.migration.operations]

    def schema(self) -> CatalogSchema:
        """What the catalog said before the migration, as the linter's schema knowledge."""
        return CatalogSchema(self.column_types, self.index_tables, self.snapshot)

    def to_statements(self) -> list[Statement]:
        """The captured SQL as the linter's :class:`Statement` objects, one per SQL statement.

        A string holding several statements (Django writes ``ADD COLUMN …; SET CONSTRAINTS …``
        in one ``execute``) is split. Positions point at the operation in the migration file.
        """
        source = source_of(self.migration)
        path = source.display_path() if source else None
        descriptions = self.descriptions()
        operations = list(self.migration.operations)
        out: list[Statement] = []
        for captured in self.statements:
            if is_transaction_control(captured.sql):
                continue
            index = captured.operation_index
            for part, node in _split_parsed(captured.sql):
                out.append(
                    Statement(
                        sql=part,
                        node=node,
                        line=source.operation_line(index) if source else 1,
                        column=1,
                        file=path,
                        in_transaction=captured.in_transaction,
                        transaction_id=captured.transaction_id,
                        app=self.app,
                        migration=self.name,
                        operation_index=index,
                        operation=descriptions[index] if index is not None else None,
                        deferred=captured.deferred,
                        names=operation_names(operations[index], self.app)
                        if index is not None and 0 <= index < len(operations)
                        else {"app": self.app},
                    )
                )
        return out


@dataclass
class CollectionStats:
    """Counters of one collection run: what the template cache saved, what was applied."""

    applied: int = 0  # migrations applied to the scratch database in this run
    collected: int = 0  # target migrations whose SQL was captured
    template_hit: bool = False
    templates_saved: int = 0
    seconds: float = 0.0
    #: How the schema before the targets was built: ``state``, ``state+replay`` or ``replay``
    #: (see :mod:`safemigrations.lint.replay.statebuild`), and a sentence saying so.
    build_mode: str = ""
    build: str = ""
    cache_key: str = ""  # the content key of the base template (``--print-cache-key``)
    template_from_dump: bool = False  # the template came from a ``--cache-dir`` dump
    base_seconds: float = 0.0  # building the base schema (0 on a template hit)
    tables_created: int = 0  # tables the state build created
    rebuilds: int = 0  # scratch databases rebuilt from the state after a failure
    internal_errors: int = 0  # migrations not analysed because the linter itself failed
    #: Migrations applied on a state of only the models they reach (see .substate), and those
    #: that failed there and were applied again on the whole state.
    reduced: int = 0
    reduced_fallbacks: int = 0
    reduced_fallback_errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Collection:
    """The result of :func:`collect`: targets in graph order, and the run's counters."""

    migrations: list[CollectedMigration] = field(default_factory=list)
    stats: CollectionStats = field(default_factory=CollectionStats)
    server_version: int = 0  # server_version_num of the scratch server

    def not_analysed(self) -> list[CollectedMigration]:
        """The targets whose SQL could not be captured (each also has an SM910 finding)."""
        return [c for c in self.migrations if c.not_analysed]

    def to_dict(self) -> dict[str, Any]:
        """The run's facts for ``--stats-json``: build mode, counts, cache key, timings."""
        s = self.stats
        return {
            "build_mode": s.build_mode,
            "build": s.build,
            "linted": len(self.migrations) - len(self.not_analysed()),
            "not_analysed": [
                {"app": c.app, "migration": c.name, "why": c.not_analysed}
                for c in self.not_analysed()
            ],
            "partly_analysed": [
                {"app": c.app, "migration": c.name, "why": c.linter_errors}
                for c in self.migrations
                if c.linter_errors and not c.not_analysed
            ],
            "applied": s.applied,
            "template_hit": s.template_hit,
            "template_from_dump": s.template_from_dump,
            "cache_key": s.cache_key,
            "rebuilds": s.rebuilds,
            "reduced": s.reduced,
            "reduced_fallbacks": s.reduced_fallback_errors,
            "seconds": round(s.seconds, 3),
            "base_seconds": round(s.base_seconds, 3),
            "server_version": self.server_version,
            "notes": list(s.notes),
        }


def _split_parsed(sql: str) -> list[tuple[str, Any]]:
    """Split with the linter's own splitter, keeping each piece's AST (parsed once, here)."""
    pieces = split_sql(sql).pieces
    return [(p.text, p.node) for p in pieces] or [(sql.strip(), None)]


def _describe(operation: Any) -> str:
    try:
        return str(operation.describe())
    except Exception:
        return type(operation).__name__


_TRANSACTION_CONTROL = {"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT"}


def is_transaction_control(sql: str) -> bool:
    """True for a bare ``BEGIN``/``COMMIT``/``ROLLBACK`` (the boundaries are recorded apart)."""
    words = sql.strip().rstrip(";").split()
    return bool(words) and words[0].upper() in _TRANSACTION_CONTROL and len(words) <= 3
