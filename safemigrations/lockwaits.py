"""Bounded lock waits for every statement ``migrate`` runs, Django's own operations included.

A migration statement that waits for a lock (an ``ALTER TABLE`` behind a long transaction) makes
every later query on that table wait behind it: an outage caused by a one-line migration. Here
every statement of the migration connection runs under ``lock_timeout``, through Django's
documented ``connection.execute_wrapper()`` hook, so it works with any PostgreSQL-based ENGINE
(PostGIS, django-postgres-extra, ...) and needs no custom backend. When the wait times out:

- a statement run outside a transaction (non-atomic migration) is retried alone, after a growing
  pause, a bounded number of times;
- inside an atomic migration the transaction has been rolled back, so the whole migration is run
  again (:class:`RetryingMigrationExecutor`), never half of it;
- when the retries run out, :class:`~safemigrations.db.locks.LockRetriesExhausted` names the
  backends that held the table (pid, state, query, transaction age).

Steps of safemigrations' own operations already bound and retry their waits
(:func:`~safemigrations.db.locks.run_with_lock_retries`); they are left alone here.
``CREATE/DROP/REINDEX ... CONCURRENTLY`` statements run without ``lock_timeout``: their lock
blocks no reads or writes, and a timeout would only leave an INVALID index behind.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.migration import Migration
from django.db.migrations.state import ProjectState

from safemigrations.db.locks import (
    LockPolicy,
    LockRetriesExhausted,
    describe_blockers,
    is_lock_timeout,
    lock_holders,
    step_manages_lock_waits,
)

logger = logging.getLogger("safemigrations")

_CONCURRENTLY = re.compile(r"\bCONCURRENTLY\b", re.IGNORECASE)


def tables_of(sql: str) -> list[str]:
    """Names of the relations a statement mentions (to find who holds them), best effort."""
    try:
        from pglast import parse_sql
        from pglast.visitors import Visitor
    except ImportError:  # pragma: no cover - pglast is a dependency
        return []

    names: list[str] = []

    class _Relations(Visitor):  # type: ignore[misc]
        def visit_RangeVar(self, ancestors: Any, node: Any) -> None:
            if node.relname not in names:
                names.append(node.relname)

    try:
        _Relations()(parse_sql(sql))
    except Exception:  # not parseable (e.g. a backend-specific statement): no names
        return []
    return names


def _first_line(sql: str) -> str:
    line = " ".join(sql.split())
    return line if len(line) <= 120 else line[:117] + "..."


class StatementLockWaits:
    """``connection.execute_wrapper`` that bounds and retries each statement's lock wait."""

    def __init__(
        self,
        connection: BaseDatabaseWrapper,
        policy: LockPolicy,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.connection = connection
        self.policy = policy
        self.sleep = sleep
        self._set_on: Any = None  # the DB-API connection lock_timeout was set on
        self._previous: str | None = None
        self._internal = False
        #: The last statement whose lock wait timed out inside a transaction.
        self.last_timeout_sql: str | None = None

    # -- the session setting --------------------------------------------------------------------

    def _raw(self, sql: str, params: Any = None) -> Any:
        self._internal = True
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchone() if cursor.description else None
        finally:
            self._internal = False

    def apply(self) -> None:
        """``SET lock_timeout`` on the session (again after a reconnect)."""
        if self._set_on is not None and self._set_on is self.connection.connection:
            return
        if self._previous is None:
            self._previous = str(self._raw("SHOW lock_timeout")[0])
        self._raw("SELECT set_config('lock_timeout', %s, false)", [self.policy.lock_timeout_sql])
        if not self.connection.in_atomic_block:  # a rollback would undo a SET made in one
            self._set_on = self.connection.connection

    def restore(self) -> None:
        """Put the session's ``lock_timeout`` back as it was."""
        if (
            self._previous is not None
            and self.connection.connection is not None
            and not (self.connection.in_atomic_block and self.connection.needs_rollback)
        ):
            self._raw("SELECT set_config('lock_timeout', %s, false)", [self._previous])
        self._set_on = None

    # -- the wrapper ----------------------------------------------------------------------------

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        if self._internal:
            return execute(sql, params, many, context)
        try:
            if step_manages_lock_waits() or self.connection.in_atomic_block:
                if not step_manages_lock_waits():
                    self.apply()
                return execute(sql, params, many, context)
            if _CONCURRENTLY.search(sql):
                return self._unbounded(execute, sql, params, many, context)
            return self._retried(execute, sql, params, many, context)
        except Exception as exc:
            if is_lock_timeout(exc) and self.connection.in_atomic_block:
                self.last_timeout_sql = sql
            raise

    def _unbounded(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self._raw("SET lock_timeout = 0")
        self._set_on = None
        try:
            return execute(sql, params, many, context)
        finally:
            self.apply()

    def _retried(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        self.apply()
        for attempt in range(self.policy.retries + 1):
            try:
                return execute(sql, params, many, context)
            except Exception as exc:
                if not is_lock_timeout(exc):
                    raise
                blockers = self.blockers(sql)
                description = f"Statement {_first_line(sql)!r}"
                if attempt == self.policy.retries:
                    raise LockRetriesExhausted(description, self.policy, blockers) from exc
                delay = self.policy.delay(attempt + 1)
                logger.warning(
                    "%s: lock wait timed out after %gs (attempt %d of %d); %s Retrying in %.1fs.",
                    description,
                    self.policy.lock_timeout,
                    attempt + 1,
                    self.policy.retries + 1,
                    describe_blockers(blockers),
                    delay,
                )
                self.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover

    def blockers(self, sql: str | None) -> list[Any]:
        """Backends holding locks on the tables of ``sql`` (call outside a failed transaction)."""
        tables = tables_of(sql) if sql else []
        if not tables:
            return []
        self._internal = True
        try:
            with self.connection.cursor() as cursor:
                return lock_holders(cursor, tables)
        finally:
            self._internal = False


class RetryingMigrationExecutor(MigrationExecutor):
    """Django's executor that runs an atomic migration again after a lock wait timed out.

    The timed-out statement aborted the migration's transaction and Django rolled it back, so
    running the whole migration again is safe; a non-atomic migration is never re-run (its
    statements were retried one by one instead).
    """

    waits: StatementLockWaits
    policy: LockPolicy

    def apply_migration(
        self,
        state: ProjectState,
        migration: Migration,
        fake: bool = False,
        fake_initial: bool = False,
    ) -> ProjectState:
        run = super().apply_migration
        return self._retrying(
            migration,
            "Applying",
            lambda s: run(s, migration, fake=fake, fake_initial=fake_initial),
            state,
        )

    def unapply_migration(
        self, state: ProjectState, migration: Migration, fake: bool = False
    ) -> ProjectState:
        run = super().unapply_migration
        return self._retrying(
            migration, "Unapplying", lambda s: run(s, migration, fake=fake), state
        )

    def _retrying(
        self,
        migration: Migration,
        verb: str,
        run: Callable[[ProjectState], ProjectState],
        state: ProjectState,
    ) -> ProjectState:
        description = f"{verb} {migration.app_label}.{migration.name}"
        whole = migration.atomic and self.connection.features.can_rollback_ddl
        policy = self.policy if whole else replace(self.policy, retries=0)
        for attempt in range(policy.retries + 1):
            self.waits.last_timeout_sql = None
            try:
                return run(state.clone() if attempt < policy.retries else state)
            except LockRetriesExhausted:
                raise
            except Exception as exc:
                if not is_lock_timeout(exc):
                    raise
                blockers = self.waits.blockers(self.waits.last_timeout_sql)
                if attempt == policy.retries:
                    if not whole:
                        description += (
                            " (a transaction inside this non-atomic migration cannot be retried "
                            "alone)"
                        )
                    raise LockRetriesExhausted(description, policy, blockers) from exc
                delay = policy.delay(attempt + 1)
                logger.warning(
                    "%s: lock wait timed out after %gs (attempt %d of %d), the migration's "
                    "transaction was rolled back; %s Running the whole migration again in %.1fs.",
                    description,
                    policy.lock_timeout,
                    attempt + 1,
                    policy.retries + 1,
                    describe_blockers(blockers),
                    delay,
                )
                self.waits.sleep(delay)
        raise AssertionError("unreachable")  # pragma: no cover


@contextmanager
def bounded_lock_waits(
    connection: BaseDatabaseWrapper, policy: LockPolicy
) -> Iterator[StatementLockWaits]:
    """Run every statement of ``connection`` under ``policy`` for the duration of the block."""
    waits = StatementLockWaits(connection, policy)
    if connection.vendor != "postgresql":
        yield waits
        return
    connection.ensure_connection()
    waits.apply()
    try:
        with connection.execute_wrapper(waits):
            yield waits
    finally:
        waits.restore()


def retrying_executor_class(waits: StatementLockWaits) -> type[RetryingMigrationExecutor]:
    """A :class:`RetryingMigrationExecutor` bound to ``waits`` and its policy."""
    return type(
        "RetryingMigrationExecutor",
        (RetryingMigrationExecutor,),
        {"waits": waits, "policy": waits.policy},
    )
