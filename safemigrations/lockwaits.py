"""``migrate``'s side of bounded lock waits: every statement, Django's own operations included.

A migration statement that waits for a lock (an ``ALTER TABLE`` behind a long transaction) makes
every later query on that table wait behind it. Here every statement of the migration connection
goes through :meth:`safemigrations.db.locks.LockWaits.run` (the one retry loop), by Django's
documented ``connection.execute_wrapper()`` hook, so it works with any PostgreSQL-based ENGINE
and needs no custom backend:

- a statement run outside a transaction (non-atomic migration) is retried alone;
- an atomic migration is one attempt as a whole: its transaction was rolled back, so the whole
  migration runs again (:class:`RetryingMigrationExecutor`), never half of it;
- a statement inside a step of safemigrations' operations runs inside that step's attempt, which
  bounds and retries it; it is not retried twice.

``CREATE/DROP/REINDEX ... CONCURRENTLY`` statements run without ``lock_timeout``: their lock
blocks no reads or writes, and a timeout would only leave an INVALID index behind.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.migration import Migration
from django.db.migrations.state import ProjectState

from safemigrations.db import activity
from safemigrations.db.locks import (
    LockPolicy,
    LockRetriesExhausted,
    LockWaits,
    installed,
    lock_wait_failure,
)

_CONCURRENTLY = re.compile(r"\bCONCURRENTLY\b", re.IGNORECASE)


def tables_of(sql: str) -> list[str]:
    """Names of the relations a statement mentions (to find who holds them), best effort.

    Only called after a failed lock wait: statements are never parsed otherwise.
    """
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
    """``connection.execute_wrapper`` that sends each statement through :class:`LockWaits`."""

    def __init__(self, waits: LockWaits) -> None:
        self.waits = waits

    def __call__(
        self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any
    ) -> Any:
        waits = self.waits
        if waits.internal:
            return execute(sql, params, many, context)
        try:
            if waits.depth:  # inside a step's or an atomic migration's attempt
                return execute(sql, params, many, context)
            return waits.run(
                lambda: execute(sql, params, many, context),
                description=f"Statement {_first_line(sql)!r}",
                tables=lambda: tables_of(sql),
                bounded=not _CONCURRENTLY.search(sql),
            )
        except Exception as exc:
            if lock_wait_failure(exc) and waits.connection.in_atomic_block:
                waits.last_failed_sql = sql
            raise


class RetryingMigrationExecutor(MigrationExecutor):
    """Django's executor that runs an atomic migration again after a failed lock wait.

    The failed statement aborted the migration's transaction and Django rolled it back, so
    running the whole migration again is safe; a non-atomic migration is never re-run (its
    statements were retried one by one instead). Each migration's name is shown in
    ``pg_stat_activity.application_name`` while it runs.
    """

    waits: LockWaits
    #: False when ``migrate`` runs without bounded lock waits (``--lock-timeout 0``): the
    #: migration only gets its ``application_name``.
    retry_whole = True

    def apply_migration(
        self,
        state: ProjectState,
        migration: Migration,
        fake: bool = False,
        fake_initial: bool = False,
    ) -> ProjectState:
        run = super().apply_migration
        # The first attempt gets the caller's state itself (Django's way: no copy of the
        # rendered models per migration); a retry rebuilds it from the applied migrations.
        return self._retrying(
            migration,
            "Applying",
            lambda s: run(s, migration, fake=fake, fake_initial=fake_initial),
            state,
            self._applied_state,
        )

    def unapply_migration(
        self, state: ProjectState, migration: Migration, fake: bool = False
    ) -> ProjectState:
        run = super().unapply_migration
        pristine = state.clone()
        return self._retrying(
            migration, "Unapplying", lambda s: run(s, migration, fake=fake), state, pristine.clone
        )

    def _applied_state(self) -> ProjectState:
        """The project state of the migrations recorded as applied (after a rollback)."""
        applied = self.recorder.applied_migrations()
        state = ProjectState(real_apps=self.loader.unmigrated_apps)
        full_plan = self.migration_plan(self.loader.graph.leaf_nodes(), clean_start=True)
        for migration, _ in full_plan:
            if (migration.app_label, migration.name) in applied:
                migration.mutate_state(state, preserve=False)
        return state

    def _retrying(
        self,
        migration: Migration,
        verb: str,
        run: Callable[[ProjectState], ProjectState],
        state: ProjectState,
        fresh_state: Callable[[], ProjectState],
    ) -> ProjectState:
        label = f"{migration.app_label}.{migration.name}"
        description = f"{verb} {label}"
        whole = migration.atomic and self.connection.features.can_rollback_ddl
        activity.set_application_name(self.connection, activity.label_for(label))
        self.waits.running = label
        if not self.retry_whole:
            return run(state)
        states = [state]

        def attempt() -> ProjectState:
            current = states.pop() if states else fresh_state()
            return run(current)

        if not whole:
            try:
                return attempt()
            except LockRetriesExhausted:
                raise
            except Exception as exc:
                if not lock_wait_failure(exc):
                    raise
                raise LockRetriesExhausted(
                    description + " (a transaction inside this non-atomic migration cannot be "
                    "retried alone)",
                    self.waits.policy,
                    self.waits.blockers(self._failed_tables()),
                    attempts=1,
                    reason=lock_wait_failure(exc) or "",
                ) from exc
        return self.waits.run(
            attempt,
            description=description,
            tables=self._failed_tables,
            retry_note="The migration's transaction was rolled back. Running the whole migration "
            "again",
        )

    def _failed_tables(self) -> list[str]:
        sql = self.waits.last_failed_sql
        self.waits.last_failed_sql = None
        return tables_of(sql) if sql else []


@contextmanager
def bounded_lock_waits(connection: BaseDatabaseWrapper, policy: LockPolicy) -> Iterator[LockWaits]:
    """Run every statement of ``connection`` under ``policy`` for the duration of the block."""
    waits = LockWaits(connection, policy)
    if connection.vendor != "postgresql":
        yield waits
        return
    connection.ensure_connection()
    with installed(connection, waits):
        waits.owns_session = True
        waits.set_lock_timeout(policy.lock_timeout_sql)
        try:
            with connection.execute_wrapper(StatementLockWaits(waits)):
                yield waits
        finally:
            waits.owns_session = False
            waits.restore()


def retrying_executor_class(
    waits: LockWaits, retry_whole: bool = True
) -> type[RetryingMigrationExecutor]:
    """A :class:`RetryingMigrationExecutor` bound to ``waits``."""
    return type(
        "RetryingMigrationExecutor",
        (RetryingMigrationExecutor,),
        {"waits": waits, "retry_whole": retry_whole},
    )
