"""Migration operations that take only brief, bounded locks on large PostgreSQL tables."""

from .base import NonAtomicMigrationRequired, SafeOperation

__all__ = ["NonAtomicMigrationRequired", "SafeOperation"]
