"""Collect the SQL that ``migrate`` will really run, by running the migrations on a scratch database.

``sqlmigrate`` asks the live database for constraint and index names, so on an empty or
out-of-date database it prints SQL that ``migrate`` will not run (down to ``-- (no-op)`` for an
index that will really be dropped); it prints ``BEGIN``/``COMMIT`` from the migration's ``atomic``
flag rather than from what runs; and it raises on an atomic migration holding a concurrent
operation. This module does what ``migrate`` does instead:

1. A scratch database is created on the project's PostgreSQL server (or the embedded one when the
   project does not use PostgreSQL), and a Django connection alias is added for it.
2. Every migration that is not a target (nor depends on one) is applied first. The result is kept
   as a *template database* keyed by a hash of those migration files, so the next run starts with
   ``CREATE DATABASE … TEMPLATE`` and only applies what changed.
3. Each target is applied in graph order through the real schema editor while a
   ``connection.execute_wrapper`` records every statement, whether it ran inside a transaction
   (from the driver's transaction status) and which transaction, and which operation emitted it
   (deferred SQL is traced back to the operation that queued it). The column types just before
   each target are read from the catalog, for type-change rules.
4. A migration that fails (e.g. an atomic migration holding ``AddIndexConcurrently``) is recorded
   as a failure, not raised; it is then applied without a transaction so that later migrations
   can still be collected.

The scratch database and its connection alias are always removed at the end.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import django
import pglast
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.migration import Migration
from django.db.migrations.state import ProjectState
from django.db.utils import ConnectionHandler

import safemigrations
from safemigrations.db import catalog
from safemigrations.db.scratch import (
    TemplateCache,
    close_alias,
    create_database,
    django_alias,
    drop_database,
    scratch_name,
    server_for_django,
)
from safemigrations.db.server import Server, get_server
from safemigrations.lint.model import Statement
from safemigrations.lint.snapshot import CatalogSchema, Snapshot, read_snapshot
from safemigrations.lint.source import file_digest, source_of
from safemigrations.lint.split import split_sql
from safemigrations.lint.sql import walk

Key = tuple[str, str]

#: Seconds of applying targets above which the schema after them is kept as a template too (it
#: is kept by renaming the scratch database, which is cheap, but each kept template evicts an
#: older one).
SAVE_TEMPLATE_AFTER = 0.5


class StatementObserver(Protocol):
    """Runs one captured statement and returns what it saw (trace mode plugs in here)."""

    def run(self, execute: Callable[[], Any], sql: str, connection: BaseDatabaseWrapper) -> Any:
        """Call ``execute()`` (which runs ``sql``), return an observation for the statement."""
        ...

    def transaction_ended(self, connection: BaseDatabaseWrapper) -> None:
        """Called when the transaction the previous statements ran in has ended."""
        ...


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
    from_state: ProjectState
    statements: list[CapturedStatement]
    column_types: dict[str, dict[str, str]]
    index_tables: dict[str, str] = field(default_factory=dict)
    failure: MigrationFailure | None = None
    snapshot: Snapshot | None = None
    skipped: str | None = None  # why it was not applied (a migration it depends on failed)

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


@dataclass
class Collection:
    """The result of :func:`collect`: targets in graph order, and the run's counters."""

    migrations: list[CollectedMigration] = field(default_factory=list)
    stats: CollectionStats = field(default_factory=CollectionStats)
    server_version: int = 0  # server_version_num of the scratch server


def collect(
    targets: Iterable[Key],
    *,
    database: str = DEFAULT_DB_ALIAS,
    use_cache: bool = True,
    observer: StatementObserver | None = None,
    loader: MigrationLoader | None = None,
    template_prefix: str = "smlint_tpl_",
) -> Collection:
    """Apply the migration graph on a scratch database and capture what each target runs.

    ``targets`` are ``(app_label, migration_name)`` keys of the project's migration graph.
    ``database`` names the ``DATABASES`` entry whose server hosts the scratch database (when it
    is PostgreSQL; otherwise the embedded/``DATABASE_URL`` server is used). ``use_cache=False``
    neither reads nor writes template databases. ``observer`` sees every target statement run
    (``--trace``).
    """
    return _Replay(
        loader or MigrationLoader(None, ignore_no_migrations=True),
        database=database,
        use_cache=use_cache,
        observer=observer,
        template_prefix=template_prefix,
    ).run(list(dict.fromkeys(targets)))


# -- the replay ----------------------------------------------------------------------------------


class _Replay:
    def __init__(
        self,
        loader: MigrationLoader,
        *,
        database: str,
        use_cache: bool,
        observer: StatementObserver | None,
        template_prefix: str,
    ) -> None:
        self.loader = loader
        self.graph = loader.graph
        self.observer = observer
        self.database = database
        self.server, self.settings = scratch_server(database)
        self.cache = TemplateCache(self.server, prefix=template_prefix) if use_cache else None
        self.stats = CollectionStats()
        self.failed: set[Key] = set()
        self.done: list[Key] = []  # applied (or skipped) so far, in order
        self.ids = TransactionIds()

    def run(self, targets: list[Key]) -> Collection:
        started = time.perf_counter()
        for key in targets:
            if key not in self.graph.nodes:
                raise LookupError(f"no migration {key[0]}.{key[1]} in the migration graph")
        base, rest = self.plan(targets)
        result = Collection(server_version=self.server.version_num())
        base_key = self.digest(base)
        template = self.cache.lookup(base_key) if self.cache and base else None
        name = scratch_name("smlint")
        started_copy = time.perf_counter()
        create_database(
            self.server, name, template=template, file_copy=result.server_version >= 150000
        )
        copy_seconds = time.perf_counter() - started_copy
        try:
            with django_alias(self.settings, name, alias=self.database) as alias:
                state = ProjectState(real_apps=self.loader.unmigrated_apps)
                if template:
                    self.stats.template_hit = True
                    state = self.state_after(base)
                    self.done.extend(base)
                else:
                    started_base = time.perf_counter()
                    state = self.apply_all(base, state, alias)
                    base_seconds = time.perf_counter() - started_base
                    keep = keep_base_template(base_seconds, copy_seconds)
                    if self.cache and base and not self.failed and keep:
                        close_alias(alias)
                        self.stats.templates_saved += self.cache.save(name, base_key)
                wanted = set(targets)
                started_rest = time.perf_counter()
                for key in rest:
                    migration = self.graph.nodes[key]
                    if key in wanted:
                        collected, state = self.collect_one(migration, state, alias)
                        result.migrations.append(collected)
                    else:
                        state = self.apply_all([key], state, alias)
                slow = time.perf_counter() - started_rest > SAVE_TEMPLATE_AFTER
                if self.cache and rest and not self.failed and slow:
                    # The scratch database itself becomes the template (renamed, not copied).
                    close_alias(alias)
                    self.stats.templates_saved += self.cache.adopt(name, self.digest(base + rest))
        finally:
            drop_database(self.server, name)
        self.stats.seconds = time.perf_counter() - started
        result.stats = self.stats
        return result

    def plan(self, targets: list[Key]) -> tuple[list[Key], list[Key]]:
        """Split the full forwards plan into what runs before any target (the cacheable base)
        and the targets with the ancestors they share with other targets, in graph order."""
        plan: list[Key] = []
        seen: set[Key] = set()
        for leaf in sorted(self.graph.leaf_nodes()):
            for key in self.graph.forwards_plan(leaf):
                if key not in seen:
                    seen.add(key)
                    plan.append(key)
        # One walk each way over the graph for all targets (not one per target).
        affected = _reachable(self.graph, targets, forwards=False)
        needed = _reachable(self.graph, targets, forwards=True)
        base = [k for k in plan if k not in affected]
        rest = [k for k in plan if k in affected and k in needed]
        return base, rest

    def digest(self, keys: Sequence[Key]) -> str:
        """A content key for the schema after ``keys``: file hashes and the versions that shape
        the SQL (Django, safemigrations, the server)."""
        h = hashlib.sha256()
        h.update(f"{django.get_version()}|{safemigrations.__version__}|".encode())
        h.update(str(self.server.version_num()).encode())
        for key in sorted(keys):
            h.update(f"|{key[0]}.{key[1]}:{file_digest(self.graph.nodes[key])}".encode())
        return h.hexdigest()[:32]

    def blocked_by(self, key: Key) -> Key | None:
        """A failed migration that ``key`` depends on, if any."""
        if not self.failed:
            return None
        for ancestor in self.graph.forwards_plan(key):
            if ancestor in self.failed and ancestor != key:
                return ancestor
        return None

    def apply_all(self, keys: Sequence[Key], state: ProjectState, alias: str) -> ProjectState:
        """Apply migrations that are not linted (no capture); failures are remembered."""
        connection = connections[alias]
        for key in keys:
            migration = self.graph.nodes[key]
            if self.blocked_by(key):
                migration.mutate_state(state, preserve=False)
                self.done.append(key)
                continue
            if "apps" not in state.__dict__:
                state.apps  # render once, as migrate does  # noqa: B018
            try:
                state = _apply(migration, state, connection, migration.atomic)
            except Exception as exc:
                state, failure = self.recover(
                    migration, self.state_after(self.done), connection, exc, None
                )
                if not failure.applied_without_transaction:
                    self.failed.add(key)
            self.done.append(key)
            self.stats.applied += 1
        return state

    def state_after(self, keys: Sequence[Key]) -> ProjectState:
        """The project state after ``keys`` (in order), rebuilt without touching a database."""
        state = ProjectState(real_apps=self.loader.unmigrated_apps)
        for key in keys:
            self.graph.nodes[key].mutate_state(state, preserve=False)
        return state

    def collect_one(
        self, migration: Migration, state: ProjectState, alias: str
    ) -> tuple[CollectedMigration, ProjectState]:
        connection = connections[alias]
        key = (migration.app_label, migration.name)
        if "apps" not in state.__dict__:
            state.apps  # render once, as migrate does  # noqa: B018
        from_state = state.clone()
        collected = CollectedMigration(
            app=key[0],
            name=key[1],
            migration=migration,
            from_state=from_state,
            statements=[],
            column_types={},
        )
        self.done.append(key)
        blocker = self.blocked_by(key)
        if blocker:
            collected.skipped = (
                f"not applied: it depends on {blocker[0]}.{blocker[1]}, which failed"
            )
            migration.mutate_state(state, preserve=False)
            return collected, state
        capture = _Capture(connection, migration, self.observer, self.ids)
        try:
            with capture:
                state = _apply(migration, state, connection, migration.atomic, capture)
        except Exception as exc:
            retry = _Capture(connection, migration, self.observer, self.ids)
            state, collected.failure = self.recover(
                migration, from_state, connection, exc, capture.tracker.last, retry
            )
            capture = retry
            if not collected.failure.applied_without_transaction:
                self.failed.add(key)
        collected.statements = capture.statements
        collected.take_snapshot(capture.snapshot)
        self.stats.applied += 1
        self.stats.collected += 1
        return collected, state

    def recover(
        self,
        migration: Migration,
        before: ProjectState,
        connection: BaseDatabaseWrapper,
        exc: Exception,
        operation_index: int | None,
        capture: _Capture | None = None,
    ) -> tuple[ProjectState, MigrationFailure]:
        """After a failure: an atomic migration rolled back entirely, so apply it again without
        a transaction (what the fix would run) to keep the replay going."""
        failure = MigrationFailure(
            error=str(exc).strip(),
            error_type=type(exc).__name__,
            operation_index=operation_index,
            atomic=bool(migration.atomic),
        )
        state = before.clone()
        if migration.atomic and connection.features.can_rollback_ddl:
            try:
                with capture or contextlib.nullcontext():
                    state = _apply(migration, state, connection, False, capture)
                failure.applied_without_transaction = True
                return state, failure
            except Exception:
                state = before.clone()
        migration.mutate_state(state, preserve=False)
        return state, failure


def keep_base_template(apply_seconds: float, copy_seconds: float) -> bool:
    """Whether to keep the schema before the targets as a template: only when applying those
    migrations took longer than copying a database does on this server (the scratch database's
    own creation is the measure), so a template never costs the next run more than it saves."""
    return apply_seconds > copy_seconds


def _reachable(graph: Any, starts: Iterable[Key], *, forwards: bool) -> set[Key]:
    """``starts`` and every migration they depend on (``forwards=True``: what applying them
    needs) or that depends on them (``forwards=False``: what they affect)."""
    seen: set[Key] = set()
    stack = [graph.node_map[key] for key in starts]
    while stack:
        node = stack.pop()
        if node.key in seen:
            continue
        seen.add(node.key)
        stack.extend(node.parents if forwards else node.children)
    return seen


def scratch_server(database: str = DEFAULT_DB_ALIAS) -> tuple[Server, dict[str, Any]]:
    """The server that hosts scratch databases and the Django settings entry to copy.

    The project's own PostgreSQL server when ``DATABASES[database]`` is PostgreSQL (scratch
    databases then match its version and extensions); otherwise ``DATABASE_URL`` or the embedded
    server.
    """
    settings_dict = connections[database].settings_dict
    if settings_dict.get("ENGINE", "").endswith("postgresql"):
        return server_for_django(settings_dict), settings_dict
    server = get_server()
    configured = ConnectionHandler().configure_settings({"default": server.django_database()})
    return server, configured["default"]


def _apply(
    migration: Migration,
    state: ProjectState,
    connection: BaseDatabaseWrapper,
    atomic: bool,
    capture: _Capture | None = None,
) -> ProjectState:
    """Apply one migration the way ``MigrationExecutor.apply_migration`` does (without recording
    it in ``django_migrations``: the scratch database is never migrated by Django itself)."""
    with connection.schema_editor(atomic=atomic) as editor:
        if capture is not None:
            capture.tracker.bind(editor)
        state = migration.apply(state, editor)
        if capture is not None:
            capture.tracker.operations_done()
    return state


# -- capture -------------------------------------------------------------------------------------


class _OperationTracker:
    """Knows which top-level operation is running, and which operation queued each deferred
    statement, by wrapping each operation's ``database_forwards`` for the duration."""

    def __init__(self, migration: Migration) -> None:
        self.migration = migration
        self.current: int | None = None
        self.last: int | None = None  # the operation that ran last (the failing one on error)
        self.deferred_owner: dict[int, tuple[int, Any]] = {}
        self.editor: Any = None
        self.in_exit = False

    def bind(self, editor: Any) -> None:
        self.editor = editor

    def install(self) -> None:
        for index, operation in enumerate(self.migration.operations):
            original = operation.database_forwards
            # An instance attribute shadows the method for this run only (see uninstall()).
            setattr(operation, "database_forwards", self._wrap(index, original))  # noqa: B010

    def uninstall(self) -> None:
        for operation in self.migration.operations:
            operation.__dict__.pop("database_forwards", None)

    def _wrap(self, index: int, original: Callable[..., Any]) -> Callable[..., Any]:
        def database_forwards(*args: Any, **kwargs: Any) -> Any:
            self.current = self.last = index
            try:
                return original(*args, **kwargs)
            finally:
                self.current = None
                self._note_deferred(index)

        return database_forwards

    def _note_deferred(self, index: int) -> None:
        for item in getattr(self.editor, "deferred_sql", ()):
            self.deferred_owner.setdefault(id(item), (index, item))

    def operations_done(self) -> None:
        self.in_exit = True

    def owner(self, sql: str) -> tuple[int | None, bool]:
        """(operation index, deferred?) for a statement being executed now."""
        if self.current is not None:
            return self.current, False
        for index, item in self.deferred_owner.values():
            if str(item).strip() == sql.strip():
                return index, True
        return None, self.in_exit


class _Capture:
    """``execute_wrapper`` that records each statement with its transaction and operation."""

    def __init__(
        self,
        connection: BaseDatabaseWrapper,
        migration: Migration,
        observer: StatementObserver | None = None,
        ids: TransactionIds | None = None,
    ) -> None:
        self.connection = connection
        self.tracker = _OperationTracker(migration)
        self.observer = observer
        self.statements: list[CapturedStatement] = []
        self.snapshot: Snapshot | None = None
        self.ids = ids or TransactionIds()
        self.open = False
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> _Capture:
        self.tracker.install()
        self._stack.callback(self.tracker.uninstall)
        self._stack.enter_context(self.connection.execute_wrapper(self))
        return self

    def __exit__(self, *exc: object) -> None:
        self._stack.close()
        if self.observer is not None:
            self.observer.transaction_ended(self.connection)

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        raw = self.connection.connection
        before = transaction_status(raw, self.connection)
        text = inline_params(self.connection, sql, None if many else params)
        if is_introspection(text):
            try:
                return execute(sql, params, many, context)
            finally:
                self._note_transaction(before, transaction_status(raw, self.connection))
        if before == "idle" and self.open and self.observer is not None:
            self.observer.transaction_ended(self.connection)
        if self.snapshot is None and needs_catalog(text):
            self.snapshot = read_catalog(raw)
        index, deferred = self.tracker.owner(text)
        captured = CapturedStatement(
            sql=text,
            in_transaction=before != "idle",
            transaction_id=self.ids.current if before != "idle" else None,
            operation_index=index,
            deferred=deferred,
        )
        self.statements.append(captured)
        if _DROP_CONSTRAINT.search(text):
            captured.dropped_foreign_keys = foreign_key_actions(raw, _DROP_CONSTRAINT.findall(text))
        result: Any = None

        def run() -> Any:
            nonlocal result
            result = execute(sql, params, many, context)
            return result

        try:
            if self.observer is not None:
                captured.observation = self.observer.run(run, text, self.connection)
            else:
                run()
        except Exception as exc:
            captured.error = str(exc).strip()
            raise
        finally:
            after = transaction_status(raw, self.connection)
            if before == "idle" and after != "idle":
                # This statement opened a transaction block (the driver's implicit BEGIN).
                captured.in_transaction = True
                captured.transaction_id = self.ids.next()
            self.open = after != "idle"
        return result

    def _note_transaction(self, before: str, after: str) -> None:
        if before == "idle" and after != "idle":
            self.ids.next()
        self.open = after != "idle"


_NEEDS_CATALOG = re.compile(
    r"\b(?:TYPE|DROP\s+INDEX|REINDEX|REFERENCES|FOREIGN\s+KEY|VALIDATE\s+CONSTRAINT"
    r"|DROP\s+CONSTRAINT)\b",
    re.IGNORECASE,
)


def needs_catalog(sql: str) -> bool:
    """True for statements the linter judges against the catalog (old column types, an index's
    table, foreign keys, CHECK constraints); over-inclusive on purpose (``CREATE TYPE`` too)."""
    return _NEEDS_CATALOG.search(sql) is not None


def read_catalog(raw: Any) -> Snapshot:
    """The catalog snapshot, read on the driver connection inside whatever transaction it has
    open (so it sees the migration's own earlier statements). With psycopg 3 the query is a
    prepared statement: the replay reads it before many migrations on one connection."""
    try:
        import psycopg
    except ImportError:  # psycopg2
        psycopg = None  # type: ignore[assignment]
    if psycopg is not None and isinstance(raw, psycopg.Connection):
        with psycopg.Cursor(raw) as cursor:
            return read_snapshot(cursor, prepare=True)
    with raw.cursor() as cursor:
        return read_snapshot(cursor)


class TransactionIds:
    """Numbers the transactions of one collection run (shared by its migrations)."""

    def __init__(self) -> None:
        self.current = 0

    def next(self) -> int:
        """A fresh transaction id."""
        self.current += 1
        return self.current


_DROP_CONSTRAINT = re.compile(r'DROP\s+CONSTRAINT\s+(?:IF\s+EXISTS\s+)?"?([^"\s;]+)"?', re.I)


def foreign_key_actions(raw: Any, names: Sequence[str]) -> list[tuple[str, str, str]]:
    """``(constraint, table, ON DELETE action)`` of the named foreign keys whose action is not
    ``NO ACTION``, read on the statement's own connection (it sees its open transaction)."""
    try:
        with raw.cursor() as cursor:
            cursor.execute(
                "SELECT conname, conrelid::regclass::text, confdeltype FROM pg_constraint "
                "WHERE contype = 'f' AND conname = ANY(%s) AND confdeltype <> 'a'",
                [list(names)],
            )
            rows = cursor.fetchall()
    except Exception:  # best effort: the statement itself will say what is wrong
        return []
    return [(r[0], r[1].strip('"'), catalog.FK_ACTIONS.get(r[2], r[2])) for r in rows]


def transaction_status(raw: Any, connection: BaseDatabaseWrapper) -> str:
    """``idle`` / ``intrans`` / ``inerror`` of the driver connection (psycopg 3 or 2).

    The driver knows whether a transaction block is open, which is the truth even for raw
    ``BEGIN``/``COMMIT`` strings; Django's ``in_atomic_block`` is the fallback.
    """
    info = getattr(raw, "info", None)
    status: Any = getattr(info, "transaction_status", None)
    if status is None and hasattr(raw, "get_transaction_status"):
        status = raw.get_transaction_status()
    if status is None:
        return "intrans" if connection.in_atomic_block else "idle"
    value = int(status)
    # psycopg 3 TransactionStatus and psycopg2's constants agree: 0 idle, 1 active, 2 intrans,
    # 3 inerror, 4 unknown.
    return {0: "idle", 2: "intrans", 3: "inerror"}.get(value, "intrans" if value == 1 else "idle")


def inline_params(connection: BaseDatabaseWrapper, sql: str, params: Any) -> str:
    """The statement with its parameters inlined as literals, as ``sqlmigrate`` prints them."""
    if not params:
        return sql.strip()
    compose = getattr(connection.ops, "compose_sql", None)  # the PostgreSQL backend has it
    try:
        return str(compose(sql, params) if compose else sql % tuple(params)).strip()
    except Exception:
        return sql.strip()


def is_introspection(sql: str) -> bool:
    """True for the catalog reads Django's schema editor makes to find names (they lock no user
    table and are not part of the migration's effect)."""
    head = sql.lstrip()[:10].upper()
    if not (head.startswith("SELECT") or head.startswith("WITH")):
        return False
    try:
        tree = pglast.parse_sql(sql)
    except pglast.parser.ParseError:
        return False
    names = [
        (node.schemaname, node.relname)
        for node in walk(tree)
        if isinstance(node, pglast.ast.RangeVar)
    ]
    if not names:
        return "pg_" in sql or "information_schema" in sql
    return all(
        (schema in ("pg_catalog", "information_schema")) or str(rel).startswith("pg_")
        for schema, rel in names
    )


_TRANSACTION_CONTROL = {"BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT"}


def is_transaction_control(sql: str) -> bool:
    """True for a bare ``BEGIN``/``COMMIT``/``ROLLBACK`` (the boundaries are recorded apart)."""
    words = sql.strip().rstrip(";").split()
    return bool(words) and words[0].upper() in _TRANSACTION_CONTROL and len(words) <= 3


def _split_parsed(sql: str) -> list[tuple[str, Any]]:
    """Split with the linter's own splitter, keeping each piece's AST (parsed once, here)."""
    pieces = split_sql(sql).pieces
    return [(p.text, p.node) for p in pieces] or [(sql.strip(), None)]


def _describe(operation: Any) -> str:
    try:
        return str(operation.describe())
    except Exception:
        return type(operation).__name__
