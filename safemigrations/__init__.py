"""safemigrations: safe Django schema migrations for large PostgreSQL tables."""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .deletion import DB_CASCADE, DB_RESTRICT, DB_SET_DEFAULT, DB_SET_NULL, InDatabaseToo
    from .exceptions import (
        AmbiguousIndexError,
        DanglingReferencesError,
        DatabaseUnavailable,
        DriftConfigError,
        DuplicateValuesError,
        FixError,
        IndexBuildFailed,
        LintConfigError,
        LockRetriesExhausted,
        MigrateFailed,
        MigrateLockBusy,
        NonAtomicMigrationRequired,
        NullValuesError,
        OperationTargetError,
        OrphanStillRunning,
        SafeMigrationsError,
        SquashCycleError,
        SquashError,
        SquashNotEquivalent,
        TableStatsError,
    )

__version__ = "0.1.0.dev0"

#: Every error safemigrations raises (:mod:`safemigrations.exceptions`), served lazily too.
_EXCEPTION_EXPORTS = (
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
)

__all__ = [
    "DB_CASCADE",
    "DB_RESTRICT",
    "DB_SET_DEFAULT",
    "DB_SET_NULL",
    "AmbiguousIndexError",
    "DanglingReferencesError",
    "DatabaseUnavailable",
    "DriftConfigError",
    "DuplicateValuesError",
    "FixError",
    "InDatabaseToo",
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
    "__version__",
]

#: Names served lazily from :mod:`safemigrations.deletion` (importing it needs Django).
_DELETION_EXPORTS = ("DB_CASCADE", "DB_SET_NULL", "DB_SET_DEFAULT", "DB_RESTRICT", "InDatabaseToo")


def __getattr__(name: str) -> Any:
    """``from safemigrations import DB_CASCADE`` (or an error class) without importing Django early."""
    if name in _DELETION_EXPORTS:
        from . import deletion

        return getattr(deletion, name)
    if name in _EXCEPTION_EXPORTS:
        from . import exceptions

        return getattr(exceptions, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
