"""Migration operations that take only brief, bounded locks on large PostgreSQL tables."""

from safemigrations.exceptions import (
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

from .base import SafeOperation
from .columns import AddForeignKeyField, SetNotNull
from .constraints import AddConstraintNotValid, AddDBCascadeConstraint, ValidateConstraint
from .indexes import AddIndexConcurrently, AddUniqueConstraintConcurrently, DropIndexConcurrently

__all__ = [
    "AddConstraintNotValid",
    "AddDBCascadeConstraint",
    "AddForeignKeyField",
    "AddIndexConcurrently",
    "AddUniqueConstraintConcurrently",
    "AmbiguousIndexError",
    "DanglingReferencesError",
    "DatabaseUnavailable",
    "DriftConfigError",
    "DropIndexConcurrently",
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
    "SafeOperation",
    "SetNotNull",
    "SquashCycleError",
    "SquashError",
    "SquashNotEquivalent",
    "TableStatsError",
    "ValidateConstraint",
]
