"""What every safemigrations operation shares: lock policy, non-atomic guard, step runner.

A safe operation is a short sequence of *steps* (SQL statements, or a few statements that must
commit together). Each step takes its lock with a bounded wait and is retried on lock timeout
(:mod:`safemigrations.db.locks`). Long steps that take no blocking lock (``VALIDATE CONSTRAINT``,
``CREATE INDEX CONCURRENTLY``) run with ``statement_timeout`` lifted. Operations check the catalog
before each step, so a migration interrupted half way can be run again and finishes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.db import NotSupportedError, transaction
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.operations.base import Operation

from safemigrations.conf import setting
from safemigrations.db import activity, progress
from safemigrations.db.locks import LockPolicy, LockWaits, current_policy, session_setting
from safemigrations.exceptions import NonAtomicMigrationRequired


class SafeOperation(Operation):
    """Base class of safemigrations' operations.

    Subclasses accept ``lock_timeout`` (seconds, the first attempt's wait) and ``lock_retries``
    keyword arguments; they win over ``migrate --lock-timeout`` / ``--lock-retries``, which win
    over ``SAFEMIGRATIONS["LOCK_TIMEOUT"]`` / ``["LOCK_RETRIES"]``.
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

    def policy(self, connection: Any = None) -> LockPolicy:
        """The policy in force (``migrate``'s, else the settings') with this operation's own."""
        overrides = {"lock_timeout": self.lock_timeout, "retries": self.lock_retries}
        if connection is None:
            return LockPolicy.from_settings(**overrides)
        return current_policy(connection, **overrides)

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
        before_retry: Callable[[], None] | None = None,
    ) -> None:
        """Run one step with a bounded lock wait, retried on lock timeout.

        ``statements`` is one SQL string or a list (each a string or ``(sql, params)``).
        ``transaction=True`` runs them in a transaction of their own (when not already in one);
        ``long=True`` lifts ``statement_timeout`` for a long step that blocks nobody, and shows
        its progress while ``migrate`` runs (:mod:`safemigrations.db.progress`).
        ``bounded_wait=False`` lifts ``lock_timeout`` too, for a step whose lock waits queue no
        reads or writes behind them (``CREATE/DROP INDEX CONCURRENTLY`` wait for older
        transactions to end; a short ``lock_timeout`` would only cancel them half way).
        ``before_retry`` repairs what a failed attempt left before the next one.
        Before the step, a backend that a killed earlier run left working on ``tables`` is waited
        for (:func:`safemigrations.db.activity.wait_for_orphans`).
        Under ``sqlmigrate`` the step prints as the SQL that will really run.
        """
        items = [statements] if isinstance(statements, str) else list(statements)
        connection = schema_editor.connection
        policy = self.policy(connection)
        in_own_transaction = transaction and not connection.in_atomic_block
        if self.collecting_sql(schema_editor):
            self._collect_step(schema_editor, items, policy, in_own_transaction, long, bounded_wait)
            return
        tables = list(tables)
        what = f"{self.describe()}: {description}"
        if self.is_postgresql(schema_editor) and not connection.in_atomic_block:
            # A backend left running by a killed earlier run on these tables: let it end first.
            activity.wait_for_orphans(
                connection,
                tables,
                what=what,
                timeout=float(setting("MIGRATE_LOCK_WAIT")),
                terminate=LockWaits.of(connection).cancel_orphans,
            )

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
        if long and self.is_postgresql(schema_editor):

            def work() -> None:
                with (
                    session_setting(connection, "statement_timeout", "0"),
                    progress.watch(connection, what),
                ):
                    run()

        LockWaits.of(connection).run(
            work,
            policy=policy,
            tables=tables,
            description=what,
            bounded=bounded_wait,
            before_retry=before_retry,
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


class ModelOperation(SafeOperation):
    """A safe operation on one model: what every constructor and ``deconstruct()`` repeated.

    The constructor takes ``model_name`` first (kept as written, compared lower-cased) and the
    lock options by keyword; ``deconstruct()`` writes ``model_name``, then what
    :meth:`deconstruct_kwargs` gives, then the lock options that were set — every argument by
    keyword, so a migration file reads the same whichever way the operation was built.
    """

    def __init__(
        self,
        model_name: str,
        *,
        lock_timeout: float | None = None,
        lock_retries: int | None = None,
    ) -> None:
        super().__init__(lock_timeout=lock_timeout, lock_retries=lock_retries)
        self.model_name = model_name

    @property
    def model_name_lower(self) -> str:
        return self.model_name.lower()

    def references_model(self, name: str, app_label: str) -> bool:
        return name.lower() == self.model_name_lower

    def deconstruct_kwargs(self) -> dict[str, Any]:
        """The constructor arguments besides ``model_name`` and the lock options, by keyword."""
        return {}

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"model_name": self.model_name}
        kwargs.update(self.deconstruct_kwargs())
        kwargs.update(self.lock_kwargs())
        return self.__class__.__name__, [], kwargs


def _atomic(alias: str) -> Any:
    return transaction.atomic(using=alias)
