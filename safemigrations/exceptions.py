"""Every error safemigrations raises derives from :class:`SafeMigrationsError`.

Catch ``SafeMigrationsError`` to handle anything this package reports. Each concrete error also
derives from the Django or Python error a caller would otherwise catch (``IntegrityError`` for
data that blocks a constraint, ``OperationalError`` for lock waits, ``ValueError`` for wrong
arguments), so existing ``except`` clauses keep working.

This is the one module that defines them; the modules that raise them import them from here and
keep the old names importable (``safemigrations.db.locks.LockRetriesExhausted`` still works).
It is a values module: it imports nothing else of the package at run time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from django.db import DatabaseError, IntegrityError, NotSupportedError, OperationalError

if TYPE_CHECKING:
    from safemigrations.db.locks import LockPolicy

__all__ = [
    "AmbiguousIndexError",
    "DanglingReferencesError",
    "DatabaseUnavailable",
    "DriftConfigError",
    "DuplicateValuesError",
    "FixError",
    "IndexBuildFailed",
    "LintConfigError",
    "LockRetriesExhausted",
    "MigrateFailed",
    "MigrateLockBusy",
    "NonAtomicMigrationRequired",
    "NullValuesError",
    "OperationTargetError",
    "OrphanStillRunning",
    "SafeMigrationsError",
    "SquashCycleError",
    "SquashError",
    "SquashNotEquivalent",
    "TableStatsError",
]


class SafeMigrationsError(Exception):
    """Base class of the errors safemigrations raises."""


# --- operations: wrong arguments, data that blocks a step, migrations that cannot run as asked


class NonAtomicMigrationRequired(SafeMigrationsError, NotSupportedError):
    """A step must commit on its own, which an atomic migration cannot do."""


class OperationTargetError(SafeMigrationsError, ValueError):
    """An operation names a model, field or constraint that does not exist or does not fit."""


class NullValuesError(SafeMigrationsError, IntegrityError):
    """``SetNotNull`` found NULLs in the column; they must be backfilled first."""


class DanglingReferencesError(SafeMigrationsError, IntegrityError):
    """``AddForeignKeyField`` found values that reference no row; they must be fixed first."""


class AmbiguousIndexError(SafeMigrationsError, ValueError):
    """Several indexes match an implicit index and none has the name Django would give it."""


class IndexBuildFailed(SafeMigrationsError, DatabaseError):
    """A concurrent index build failed; its INVALID leftover was dropped."""


class DuplicateValuesError(IndexBuildFailed, IntegrityError):
    """A unique index could not be built because the table holds duplicate values."""


# --- db: lock waits, the migrate lock, earlier runs' backends, no server


class _Describable(Protocol):
    def describe(self) -> str: ...


def describe_blockers(blockers: Sequence[_Describable]) -> str:
    """One line per blocking backend, or a note that none was seen any more."""
    if not blockers:
        return "No backend held a lock on the table(s) any more when we looked."
    return "Blocked by:\n" + "\n".join(f"  - {b.describe()}" for b in blockers)


class LockRetriesExhausted(SafeMigrationsError, OperationalError):
    """A step could not get its lock within its attempts."""

    def __init__(
        self,
        description: str,
        policy: LockPolicy,
        blockers: Sequence[_Describable],
        *,
        attempts: int | None = None,
        elapsed: float | None = None,
        reason: str = "lock wait timed out",
    ) -> None:
        self.description = description
        self.policy = policy
        self.blockers = blockers
        attempts = policy.retries + 1 if attempts is None else attempts
        self.attempts = attempts
        waits = sorted({policy.timeout(n) for n in range(1, attempts + 1)})
        wait_text = (
            f"{waits[0]:g}s" if len(waits) == 1 else f"{waits[0]:g}s growing to {waits[-1]:g}s"
        )
        over = f" over {elapsed:.1f}s" if elapsed is not None else ""
        lines = [
            f"{description}: could not acquire its lock (waits of {wait_text}, last failure: "
            f"{reason}) in {attempts} attempt{'s' if attempts != 1 else ''}{over}.",
            describe_blockers(blockers),
            "End or wait out the blocking transaction(s) and run the migration again (it resumes "
            "where it stopped), or allow longer waits: migrate --lock-timeout / --lock-retries, "
            "SAFEMIGRATIONS['LOCK_WAIT_TOTAL'] / ['LOCK_RETRIES'] (or the operation's "
            "lock_timeout= / lock_retries=).",
        ]
        super().__init__("\n".join(lines))


class MigrateLockBusy(SafeMigrationsError, OperationalError):
    """Another ``migrate`` held the lock for longer than this one may wait."""


class OrphanStillRunning(SafeMigrationsError, OperationalError):
    """A backend of an earlier run kept working on the table for longer than we wait."""


class DatabaseUnavailable(SafeMigrationsError, RuntimeError):
    """No PostgreSQL server could be reached or started; the message says how to provide one."""


# --- features: lint, inspectdrift, squashmigrations


class LintConfigError(SafeMigrationsError, ValueError):
    """A lint configuration value is wrong; the message says which key and what is accepted."""


class TableStatsError(SafeMigrationsError, ValueError):
    """A table statistics file (``--table-stats``) cannot be used; the message says why and what
    to do."""


class DriftConfigError(SafeMigrationsError, ValueError):
    """``SAFEMIGRATIONS["DRIFT"]`` holds a wrong value; the message says which and what works."""


class FixError(SafeMigrationsError, RuntimeError):
    """The fix migration cannot be written; the message says what to do first."""


class SquashError(SafeMigrationsError):
    """A squash cannot be written as asked; the message says why and what to do instead."""


class SquashCycleError(SquashError):
    """The squashed migration would close a dependency cycle with another app."""


class SquashNotEquivalent(SquashError):
    """The squashed migrations do not build the schema or state the originals build."""


class MigrateFailed(SquashError):
    """Migrating a fresh scratch database failed; the message says where."""
