"""``makemigrations``: an ``on_delete`` change that moves the action into or out of the database.

Changing a foreign key between a Python-level ``on_delete`` and one with a database action
(``DB_CASCADE`` and friends, Django 6.1's or the backport, or
:class:`~safemigrations.deletion.InDatabaseToo`) makes Django write an ``AlterField``. Applied, it
drops the foreign key and adds it back validated inside the migration's transaction: a full scan
of the child table while writes to both tables wait. This rewriter writes
``AddDBCascadeConstraint`` instead, in a non-atomic migration of its own: the new constraint is
added ``NOT VALID``, validated without blocking writes, then swapped in.

- An ``AlterField`` whose only change is ``on_delete`` becomes the operation. When the field
  also changes in other ways (say ``null=True`` together with ``DB_SET_NULL``), the
  ``AlterField`` stays for those changes, keeping the old ``on_delete``, and the operation follows.
- A change between two values with the *same* action (``DB_CASCADE`` <->
  ``InDatabaseToo(CASCADE)``) needs no new constraint: the ``AlterField`` is kept for the state
  only (``SeparateDatabaseAndState``).

Only tables that already exist are rewritten (see :mod:`safemigrations.autodetector`).
"""

from __future__ import annotations

from typing import Any

from django.db import migrations
from django.db.migrations import Migration

from safemigrations.autodetector import SafeMigrationAutodetector, register_rewriter
from safemigrations.deletion import db_action
from safemigrations.operations import AddDBCascadeConstraint


def _without_on_delete(field: Any) -> tuple[Any, ...]:
    _, path, args, kwargs = field.deconstruct()
    kwargs = {k: v for k, v in kwargs.items() if k != "on_delete"}
    return path, args, kwargs


def _on_delete(field: Any) -> Any:
    return getattr(getattr(field, "remote_field", None), "on_delete", None)


def _constraint_operation(operation: Any, on_delete: Any) -> AddDBCascadeConstraint:
    return AddDBCascadeConstraint(
        model_name=operation.model_name, name=operation.name, on_delete=on_delete
    )


def _rewrite(
    detector: SafeMigrationAutodetector, app_label: str, operation: Any
) -> tuple[list[Any], list[Any]]:
    """(operations kept in the migration, operations for the non-atomic migration)."""
    if type(operation) is not migrations.AlterField:
        return [operation], []
    if not detector.table_exists_in_from_state(app_label, operation.model_name):
        return [operation], []
    old_field = detector.old_field(app_label, operation.model_name_lower, operation.name)
    new_field = operation.field
    old_on_delete, new_on_delete = _on_delete(old_field), _on_delete(new_field)
    if old_field is None or old_on_delete is None or old_on_delete == new_on_delete:
        return [operation], []
    old_action, new_action = db_action(old_on_delete), db_action(new_on_delete)
    if old_action is None and new_action is None:
        return [operation], []
    if old_action == new_action:
        return [migrations.SeparateDatabaseAndState(state_operations=[operation])], []
    constraint = _constraint_operation(operation, new_on_delete)
    if _without_on_delete(old_field) == _without_on_delete(new_field):
        return [], [constraint]
    # Other changes stay in the AlterField, with the on_delete the table still has.
    _, _, args, kwargs = new_field.deconstruct()
    kwargs["on_delete"] = old_on_delete
    field = type(new_field)(*args, **kwargs)
    altered = migrations.AlterField(
        model_name=operation.model_name,
        name=operation.name,
        field=field,
        preserve_default=operation.preserve_default,
    )
    return [altered], [constraint]


@register_rewriter
def rewrite_on_delete(
    detector: SafeMigrationAutodetector, migrations_by_app: dict[str, list[Migration]]
) -> None:
    """Replace ``on_delete`` changes that move the action between Python and the database."""
    for app_label in list(migrations_by_app):
        moved: list[Any] = []
        migration: Any
        for migration in list(migrations_by_app[app_label]):
            kept: list[Any] = []
            moved_here: list[Any] = []
            for operation in migration.operations:
                stay, move = _rewrite(detector, app_label, operation)
                kept += stay
                moved_here += move
            if moved_here and not kept:
                # The whole migration is on_delete changes: make it the non-atomic one.
                migration.operations = moved_here
                migration.atomic = False
            else:
                migration.operations = kept
                moved += moved_here
        if moved:
            detector.add_non_atomic_migration(migrations_by_app, app_label, moved)
