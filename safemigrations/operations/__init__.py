"""Migration operations that take only brief, bounded locks on large PostgreSQL tables."""

from .base import NonAtomicMigrationRequired, SafeOperation
from .columns import AddForeignKeyField, SetNotNull
from .constraints import AddConstraintNotValid, AddDBCascadeConstraint, ValidateConstraint
from .indexes import AddIndexConcurrently, AddUniqueConstraintConcurrently, DropIndexConcurrently

__all__ = [
    "AddConstraintNotValid",
    "AddDBCascadeConstraint",
    "AddForeignKeyField",
    "AddIndexConcurrently",
    "AddUniqueConstraintConcurrently",
    "DropIndexConcurrently",
    "NonAtomicMigrationRequired",
    "SafeOperation",
    "SetNotNull",
    "ValidateConstraint",
]
