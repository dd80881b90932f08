"""What every safemigrations operation shares: lock policy, non-atomic guard, step runner.

A safe operation is a short sequence of *steps* (SQL statements, or a few statements that must
commit together). Each step takes its lock with a bounded wait and is retried on lock timeout
(:mod:`safemigrations.db.locks`). Long steps that take no blocking lock (``VALIDATE CONSTRAINT``,
``CREATE INDEX CONCURRENTLY``) run with ``statement_timeout`` lifted. Operations check the catalog
before each step, so a migration interrupted half way can be run again and finishes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from typing import Any

from django.db import NotSupportedError, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation

from safemigrations.db import progress
from safemigrations.db.locks import LockPolicy, run_with_lock_retries


class NonAtomicMigrationRequired(NotSupportedError):
    """A step must commit on its own, which an atomic migration cannot do."""


class SafeOperation(Operation):
    """Base class of safemigrations' operations.

    Subclasses accept ``lock_timeout`` (seconds) and ``lock_retries`` keyword arguments that
    override ``SAFEMIGRATIONS["LOCK_TIMEOUT"]`` / ``["LOCK_RETRIES"]`` for this operation.
    """

    #: Whether the operation needs a migration with ``atomic = False`` on PostgreSQL.
    requires_non_atomic = True

    def __init__(
        self, *, lock_timeout: float | None = None, lock_retries: int | None = None
    ) -> None:
        self.lock_timeout = lock_timeout
        self.lock_retries = lock_retries

    # -- helpers for subclasses -------------------------------------------------------------

    def lock_kwargs(self) -> dict[str, Any]:
        """The lock options that were given, for ``deconstruct()``."""
        kwargs: dict[str, Any] = {}
        if self.lock_timeout is not None:
            kwargs["lock_timeout"] = self.lock_timeout
        if self.lock_retries is not None:
            kwargs["lock_retries"] = self.lock_retries
        return kwargs

    def policy(self) -> LockPolicy:
        """Settings' lock policy with this operation's overrides."""
        return LockPolicy.from_settings(lock_timeout=self.lock_timeout, retries=self.lock_retries)

    @staticmethod
    def is_postgresql(schema_editor: BaseDatabaseSchemaEditor) -> bool:
        return schema_editor.connection.vendor == "postgresql"

    @staticmethod
    def collecting_sql(schema_editor: BaseDatabaseSchemaEditor) -> bool:
        """True under ``sqlmigrate``: statements are printed, not run."""
        return bool(getattr(schema_editor, "collect_sql", False))

    def require_non_atomic(self, schema_editor: BaseDatabaseSchemaEditor, hint: str = "") -> None:
        """Refuse to run inside a transaction, with a message that says what to change.

        Never raised while ``sqlmigrate`` collects SQL: printing the SQL must always work.
        """
        if self.collecting_sql(schema_editor) or not self.is_postgresql(schema_editor):
            return
        if schema_editor.connection.in_atomic_block:
            message = (
                f"{self.__class__.__name__} ({self.describe()}) commits its steps separately so "
                "that no lock is held for long, and cannot run inside a transaction. Set "
                "`atomic = False` on the Migration class that contains it (and keep other "
                "operations out of that migration, or make sure they are safe without a "
                "transaction)."
            )
            if hint:
                message += " " + hint
            raise NonAtomicMigrationRequired(message)

    def require_vendor(self, schema_editor: BaseDatabaseSchemaEditor, *vendors: str) -> None:
        """Raise ``NotSupportedError`` on a backend the operation has no plan for."""
        vendor = schema_editor.connection.vendor
        if vendor not in vendors:
            raise NotSupportedError(
                f"{self.__class__.__name__} supports {', '.join(vendors)}, not {vendor}. "
                "Use Django's own operation on this database."
            )

    def run_step(
        self,
        schema_editor: BaseDatabaseSchemaEditor,
        statements: str | Sequence[str | tuple[str, Sequence[Any]]],
        *,
        tables: Iterable[str],
        description: str,
        transaction: bool = False,
        long: bool = False,
        bounded_wait: bool = True,
    ) -> None:
        """Run one step with a bounded lock wait, retried on lock timeout.

        ``statements`` is one SQL string or a list (each a string or ``(sql, params)``).
        ``transaction=True`` runs them in a transaction of their own (when not already in one);
        ``long=True`` lifts ``statement_timeout`` for a long step that blocks nobody, and shows
        its progress while ``migrate`` runs (:mod:`safemigrations.db.progress`).
        ``bounded_wait=False`` lifts ``lock_timeout`` too, for a step whose lock waits queue no
        reads or writes behind them (``CREATE/DROP INDEX CONCURRENTLY`` wait for older
        transactions to end; a short ``lock_timeout`` would only cancel them half way).
        Under ``sqlmigrate`` the step prints as the SQL that will really run.
        """
        items = [statements] if isinstance(statements, str) else list(statements)
        policy = self.policy()
        connection = schema_editor.connection
        in_own_transaction = transaction and not connection.in_atomic_block
        if self.collecting_sql(schema_editor):
            self._collect_step(schema_editor, items, policy, in_own_transaction, long, bounded_wait)
            return

        def execute_all() -> None:
            for item in items:
                sql, params = (item, None) if isinstance(item, str) else item
                schema_editor.execute(sql, params)

        def run() -> None:
            if in_own_transaction:
                with _atomic(connection.alias):
                    execute_all()
            else:
                execute_all()

        work: Callable[[], None] = run
        if (long or not bounded_wait) and self.is_postgresql(schema_editor):

            def work() -> None:
                from safemigrations.db.locks import session_setting

                with ExitStack() as stack:
                    if long:
                        stack.enter_context(session_setting(connection, "statement_timeout", "0"))
                        stack.enter_context(
                            progress.watch(connection, f"{self.describe()}: {description}")
                        )
                    if not bounded_wait:
                        stack.enter_context(session_setting(connection, "lock_timeout", "0"))
                    run()

        run_with_lock_retries(
            connection,
            work,
            policy=policy,
            tables=tables,
            description=f"{self.describe()}: {description}",
        )

    def _collect_step(
        self,
        schema_editor: BaseDatabaseSchemaEditor,
        items: list[Any],
        policy: LockPolicy,
        in_own_transaction: bool,
        long: bool,
        bounded_wait: bool = True,
    ) -> None:
        collected = schema_editor.collected_sql
        if self.is_postgresql(schema_editor):
            lock_timeout = policy.lock_timeout_sql if bounded_wait else "0"
            collected.append(f"SET lock_timeout = '{lock_timeout}';")
            if long:
                collected.append("SET statement_timeout = 0;")
        if in_own_transaction:
            collected.append("BEGIN;")
        for item in items:
            sql, params = (item, None) if isinstance(item, str) else item
            schema_editor.execute(sql, params)
        if in_own_transaction:
            collected.append("COMMIT;")
        if long and self.is_postgresql(schema_editor):
            collected.append("RESET statement_timeout;")


def _atomic(alias: str) -> Any:
    return transaction.atomic(using=alias)
