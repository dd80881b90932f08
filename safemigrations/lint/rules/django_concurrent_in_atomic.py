"""SM902: a concurrent operation in an atomic migration."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules._django import anchor, database_operations
from safemigrations.lint.rules.base import Hit, MigrationContext, Rule
from safemigrations.operations.base import SafeOperation
from safemigrations.operations.namesakes import django_postgres_classes

#: Django's own operations that refuse to run in a transaction.
DJANGO_CONCURRENT = ("AddIndexConcurrently", "RemoveIndexConcurrently")


def needs_non_atomic(operation: object) -> bool:
    """True for operations that cannot run inside a transaction on PostgreSQL.

    safemigrations' own say so (``requires_non_atomic``, which may depend on the arguments);
    Django's are told by class, so a project's own class of the same name is not mistaken.
    """
    if isinstance(operation, SafeOperation):
        return bool(operation.requires_non_atomic)
    return isinstance(operation, django_postgres_classes(*DJANGO_CONCURRENT))


class ConcurrentOperationInAtomicMigration(Rule):
    """``AddIndexConcurrently`` & co. in a migration that runs in one transaction."""

    id = "SM902"
    name = "concurrent-operation-in-atomic-migration"
    severity = Severity.ERROR
    migration_level = True
    supersedes = ("SM901", "SM102")  # the replay failed on this very problem
    title = "Concurrent operation in an atomic migration"
    message = (
        "{operation} cannot run inside the transaction of an atomic migration: "
        "migrate fails (sqlmigrate too)"
    )
    why = (
        "`CREATE INDEX CONCURRENTLY` and the other concurrent forms commit several times "
        "internally, so PostgreSQL refuses them in a transaction block. Django wraps every "
        "migration in one transaction unless it says `atomic = False`."
    )
    fix = (
        "Move the operation to a migration of its own with `atomic = False`:\n\n"
        "```python\n"
        "class Migration(migrations.Migration):\n"
        "    atomic = False\n"
        "    operations = [AddIndexConcurrently(...)]\n"
        "```"
    )
    unsafe_example = (
        "class Migration(migrations.Migration):\n"
        "    operations = [AddIndexConcurrently('book', models.Index(fields=['title'], "
        "name='book_title_idx'))]"
    )
    safe_example = (
        "class Migration(migrations.Migration):\n"
        "    atomic = False\n"
        "    operations = [AddIndexConcurrently('book', models.Index(fields=['title'], "
        "name='book_title_idx'))]"
    )

    def check_migration(self, ctx: MigrationContext) -> Iterable[Hit]:
        """A hit per concurrent operation when the migration is atomic."""
        if not getattr(ctx.migration, "atomic", True):
            return
        for index, operation in database_operations(ctx.operations):
            if needs_non_atomic(operation):
                yield Hit(
                    params={"operation": type(operation).__name__},
                    statement=anchor(ctx, index),
                )
