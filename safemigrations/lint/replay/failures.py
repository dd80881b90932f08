"""What the runner does when a migration fails on the scratch database: decide whose failure it
is (the linter's or the migration's), and keep the run going.

1. A failure on a schema built for only some tables, or from the migration state, is not
   trusted: :class:`PartialSchemaMissed` makes the runner do the run again on every table, then
   on the replayed history.
2. The linter's own errors (:class:`~.capture.LinterError`, or an error that does not happen when
   the migration is applied again without the capture) make the migration *not analysed*,
   reported as the linter's failure.
3. A real failure of the migration is recorded (rule SM901); an atomic migration is then applied
   without a transaction to keep going. When the scratch database no longer matches the state,
   it is rebuilt from the state before the next migration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.migration import Migration
from django.db.migrations.state import ProjectState

from safemigrations.db.scratch import (
    close_alias,
    create_database,
    retire_database,
    run_database_name,
)
from safemigrations.lint.replay.applying import apply, find_linter_error, render
from safemigrations.lint.replay.capture import Capture
from safemigrations.lint.replay.results import REPORT_TO, CollectedMigration, MigrationFailure
from safemigrations.lint.replay.statebuild import advance, build_from_state, state_after

if TYPE_CHECKING:
    from safemigrations.db.server import Server
    from safemigrations.lint.replay.capture import StatementObserver, TransactionIds
    from safemigrations.lint.replay.results import CollectionStats
    from safemigrations.lint.replay.statebuild import TableSet

Key = tuple[str, str]


class PartialSchemaMissed(Exception):
    """A migration failed on a schema of only the tables its run touches: the run is done
    again on every table (the failure may come from a table left out)."""


class FailureHandling:
    """The runner's failure handling (see the module docstring); mixed into
    :class:`~.runner.Replay`, whose run state it reads and updates."""

    nodes: dict[Key, Migration]
    loader: Any
    observer: StatementObserver | None
    ids: TransactionIds
    stats: CollectionStats
    tables: TableSet | None
    state_built: bool
    failed: set[Key]
    stale: Key | None
    stale_was: Key
    done: list[Key]
    server: Server
    prefix: str
    dbname: str
    alias: str

    @property
    def connection(self) -> BaseDatabaseWrapper:
        """The scratch database's connection (the alias the run set up)."""
        return connections[self.alias]

    def after_failure(
        self, collected: CollectedMigration, exc: Exception, capture: Capture
    ) -> tuple[ProjectState, Capture]:
        """Classify a failure of a target and keep the replay going (module docstring, 3.)."""
        migration = collected.migration
        key = collected.key
        if self.tables is not None:
            raise PartialSchemaMissed(f"{key[0]}.{key[1]} failed on the tables built for it")
        if self.state_built:
            raise PartialSchemaMissed(
                f"{key[0]}.{key[1]} failed on a schema built from the migration state"
            )
        before = self.state_after_done()
        linter_fault = find_linter_error(exc)
        plain_error: Exception | None = None
        if linter_fault is None and migration.atomic and self.can_rollback():
            # Decide by checking: the same migration, the same schema, no instrumentation.
            try:
                state = apply(migration, before.clone(), self.connection, True)
            except Exception as again:
                plain_error = again
            else:
                collected.not_analysed = (
                    f"the linter failed while capturing its SQL ({type(exc).__name__}: "
                    f"{str(exc).strip()[:300]}); applied again without the linter's "
                    f"instrumentation it succeeds, so this is {REPORT_TO}"
                )
                self.stats.internal_errors += 1
                return state, Capture(self.connection, migration, self.observer, self.ids)
        if linter_fault is not None:
            collected.not_analysed = f"the linter failed: {linter_fault}; {REPORT_TO}"
            self.stats.internal_errors += 1
            if not (migration.atomic and self.can_rollback()):
                # Partly applied, and the linter is to blame: rebuild before the next one.
                state = before.clone()
                advance(migration, state)
                self.give_up(key)
                return state, Capture(self.connection, migration, self.observer, self.ids)
            try:
                state = apply(migration, before.clone(), self.connection, True)
                return state, Capture(self.connection, migration, self.observer, self.ids)
            except Exception as again:
                plain_error = again  # it also fails on its own: that is the migration's error
        retry = Capture(self.connection, migration, self.observer, self.ids)
        state, collected.failure = self.recover(
            migration, before, plain_error or exc, capture.tracker.last, retry
        )
        if not collected.failure.applied_without_transaction:
            self.give_up(key)
        return state, retry

    def recover(
        self,
        migration: Migration,
        before: ProjectState,
        exc: Exception,
        operation_index: int | None,
        capture: Capture | None = None,
    ) -> tuple[ProjectState, MigrationFailure]:
        """After a real failure: an atomic migration rolled back entirely, so apply it again
        without a transaction (what the fix would run) to keep the replay going."""
        failure = MigrationFailure(
            error=str(exc).strip(),
            error_type=type(exc).__name__,
            operation_index=operation_index,
            atomic=bool(migration.atomic),
        )
        state = before.clone()
        if migration.atomic and self.can_rollback():
            try:
                if capture is not None:
                    with capture:
                        state = apply(migration, state, self.connection, False, capture)
                else:
                    state = apply(migration, state, self.connection, False)
                failure.applied_without_transaction = True
                return state, failure
            except Exception:
                state = before.clone()
        advance(migration, state)
        return state, failure

    def give_up(self, key: Key) -> None:
        """``key`` could not be applied: the database is behind the state from here on."""
        self.failed.add(key)
        self.stale = key

    def rebuild(self, state: ProjectState) -> None:
        """A fresh scratch database built from ``state`` (after a migration could not be
        applied, so that the migrations after it are still linted)."""
        assert self.stale is not None
        self.stale_was = self.stale
        self.fresh_database()
        render(state)
        build_from_state(state, self.connection)
        self.stale = None
        self.stats.rebuilds += 1

    def fresh_database(self) -> None:
        """Replace the scratch database behind the alias by an empty one."""
        close_alias(self.alias)
        retire_database(self.server, self.dbname, self.prefix)
        self.dbname = run_database_name(self.prefix)
        create_database(self.server, self.dbname)
        self.connection.settings_dict["NAME"] = self.dbname

    def state_after_done(self) -> ProjectState:
        return state_after(self.done, self.nodes, self.loader.unmigrated_apps)

    def can_rollback(self) -> bool:
        return bool(self.connection.features.can_rollback_ddl)
