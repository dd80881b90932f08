"""Capture what a migration executes: each statement, its transaction, the operation behind it.

A :class:`Capture` is a ``connection.execute_wrapper`` plus an :class:`OperationTracker` that
wraps each top-level operation's ``database_forwards`` for the duration of one migration. The
linter's own work done while capturing (reading the catalog before a statement it will judge
against it, the ON DELETE actions of dropped foreign keys) runs inside a savepoint and is
wrapped in :class:`LinterError`, so it can never make the migration fail nor be mistaken for
the migration's own failure.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

import pglast
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.migration import Migration

from safemigrations.db import catalog
from safemigrations.lint.replay.results import CapturedStatement
from safemigrations.lint.snapshot import Snapshot, read_snapshot
from safemigrations.lint.sql import walk


class LinterError(Exception):
    """The linter's own code failed while a migration ran (not the migration): the replay
    reports it as the linter's, with what to report, never as "the migration fails"."""

    def __init__(self, what: str, error: BaseException) -> None:
        super().__init__(f"{what}: {type(error).__name__}: {str(error).strip()}")
        self.what = what
        self.error = error


@contextlib.contextmanager
def linter_step(what: str) -> Iterator[None]:
    """Run a piece of the linter's own work; any exception becomes a :class:`LinterError`."""
    try:
        yield
    except LinterError:
        raise
    except Exception as exc:
        raise LinterError(what, exc) from exc


class StatementObserver(Protocol):
    """Runs one captured statement and returns what it saw (trace mode plugs in here)."""

    def run(self, execute: Callable[[], Any], sql: str, connection: BaseDatabaseWrapper) -> Any:
        """Call ``execute()`` (which runs ``sql``), return an observation for the statement."""
        ...

    def transaction_ended(self, connection: BaseDatabaseWrapper) -> None:
        """Called when the transaction the previous statements ran in has ended."""
        ...


class OperationTracker:
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


class Capture:
    """``execute_wrapper`` that records each statement with its transaction and operation."""

    def __init__(
        self,
        connection: BaseDatabaseWrapper,
        migration: Migration,
        observer: StatementObserver | None = None,
        ids: TransactionIds | None = None,
    ) -> None:
        self.connection = connection
        self.tracker = OperationTracker(migration)
        self.observer = observer
        self.statements: list[CapturedStatement] = []
        self.snapshot: Snapshot | None = None
        #: The linter's own failures while capturing (a catalog read that raised, …): the
        #: migration still ran; what needed that information could not be judged.
        self.linter_errors: list[str] = []
        self.catalog_failed = False  # read once: a failed read is not retried per statement
        self.ids = ids or TransactionIds()
        self.open = False
        self._stack = contextlib.ExitStack()

    def __enter__(self) -> Capture:
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
        with linter_step("reading the statement before it ran"):
            before = transaction_status(raw, self.connection)
            text = inline_params(self.connection, sql, None if many else params)
            introspection = is_introspection(text)
        if introspection:
            try:
                return execute(sql, params, many, context)
            finally:
                self._note_transaction(before, transaction_status(raw, self.connection))
        with linter_step("recording the statement"):
            if before == "idle" and self.open and self.observer is not None:
                self.observer.transaction_ended(self.connection)
            if self.snapshot is None and not self.catalog_failed and needs_catalog(text):
                self.snapshot = self.guarded(raw, before, "reading the catalog", read_catalog)
                self.catalog_failed = self.snapshot is None and before != "inerror"
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
                names = _DROP_CONSTRAINT.findall(text)
                captured.dropped_foreign_keys = (
                    self.guarded(
                        raw,
                        before,
                        "reading the foreign keys a statement drops",
                        lambda r: foreign_key_actions(r, names),
                    )
                    or []
                )
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

    def guarded(self, raw: Any, status: str, what: str, read: Callable[[Any], Any]) -> Any:
        """Run one of the linter's own catalog reads on the migration's connection.

        Inside the migration's transaction it runs under a savepoint, so a read that fails
        (a bug of the linter, a catalog it does not know) rolls back to it and the migration
        goes on exactly as ``migrate`` runs it; the failure is recorded in ``linter_errors``
        and None is returned. In a failed transaction nothing is read.
        """
        if status == "inerror":
            return None
        savepoint = status == "intrans"
        try:
            if savepoint:
                _raw_execute(raw, "SAVEPOINT safemigrations_lint")
            try:
                value = read(raw)
            except Exception:
                if savepoint:
                    _raw_execute(raw, "ROLLBACK TO SAVEPOINT safemigrations_lint")
                raise
            finally:
                if savepoint:
                    _raw_execute(raw, "RELEASE SAVEPOINT safemigrations_lint")
        except Exception as exc:
            self.linter_errors.append(f"{what} failed: {type(exc).__name__}: {str(exc).strip()}")
            return None
        return value

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
    with raw.cursor() as cursor:
        return [
            (fk.name, fk.table, catalog.FK_ACTIONS.get(fk.action, fk.action))
            for fk in catalog.foreign_keys_named(cursor, list(names))
            if fk.action != "a"
        ]


def _raw_execute(raw: Any, sql: str) -> None:
    """Run one statement on the driver connection, outside Django's execute wrappers."""
    with raw.cursor() as cursor:
        cursor.execute(sql)


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
