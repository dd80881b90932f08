"""``makemigrations``: concurrent index and column operations where Django writes blocking ones.

For a table that already exists (see :mod:`safemigrations.autodetector`):

=========================================================  =====================================
Django writes                                              written instead
=========================================================  =====================================
``AddIndex``                                               ``AddIndexConcurrently``
``RemoveIndex``                                            ``DropIndexConcurrently(name=)``
``AlterField`` changing only ``db_index`` True → False     ``DropIndexConcurrently(field=)``
``AlterField`` changing only ``db_index`` False → True     ``AddIndexConcurrently(field=)``
``AddConstraint(UniqueConstraint)``                        ``AddUniqueConstraintConcurrently``
``AlterField`` changing only ``unique`` False → True       ``AddUniqueConstraintConcurrently(field=)``
``AlterField`` changing only ``null`` True → False         ``SetNotNull`` (fields without a
                                                           default: Django would backfill those)
``AddField(ForeignKey(null=True))`` without a default      ``AddForeignKeyField`` (also for a
                                                           ``OneToOneField``)
=========================================================  =====================================

The safe operations go to a non-atomic migration after the app's other changes. Operations that
follow a moved one on the same model move with it, so their order is kept. When a
``unique_together`` entry turns into a ``UniqueConstraint`` on the same fields, the old entry is
dropped only *after* the new constraint exists (``DropIndexConcurrently(fields=)``), so
uniqueness is never unenforced; implicit indexes are dropped after every index is built.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations, models
from django.db.migrations import Migration
from django.db.migrations.operations.base import Operation

from safemigrations.autodetector import SafeMigrationAutodetector, register_rewriter
from safemigrations.operations.columns import AddForeignKeyField, SetNotNull
from safemigrations.operations.indexes import (
    AddIndexConcurrently,
    AddUniqueConstraintConcurrently,
    DropIndexConcurrently,
)


def _only_change(old: models.Field, new: models.Field, attribute: str) -> bool:
    """True when ``old`` and ``new`` differ in ``attribute`` and in nothing else."""
    if getattr(old, attribute) == getattr(new, attribute):
        return False
    old_path, old_args, old_kwargs = old.deconstruct()[1:]
    new_path, new_args, new_kwargs = new.deconstruct()[1:]
    old_kwargs.pop(attribute, None)
    new_kwargs.pop(attribute, None)
    return (old_path, old_args, old_kwargs) == (new_path, new_args, new_kwargs)


def _plain_unique(constraint: Any) -> bool:
    """A UniqueConstraint on plain fields (what ``unique_together`` is)."""
    if not isinstance(constraint, models.UniqueConstraint):
        return False
    c: Any = constraint
    return bool(c.fields) and not (c.condition or c.expressions or c.include or c.opclasses)


def safe_operation(
    detector: SafeMigrationAutodetector, app_label: str, operation: Operation
) -> Operation | None:
    """The safe replacement of ``operation``, or None when it stays as Django wrote it."""
    kind = type(operation)
    if kind not in {
        migrations.AddIndex,
        migrations.RemoveIndex,
        migrations.AddConstraint,
        migrations.AlterField,
        migrations.AddField,
    }:
        return None
    op: Any = operation
    if not detector.table_exists_in_from_state(app_label, op.model_name):
        return None
    if kind is migrations.AddIndex:
        return AddIndexConcurrently(op.model_name, op.index)
    if kind is migrations.RemoveIndex:
        return DropIndexConcurrently(op.model_name, op.name)
    if kind is migrations.AddConstraint:
        if isinstance(op.constraint, models.UniqueConstraint):
            return AddUniqueConstraintConcurrently(op.model_name, op.constraint)
        return None
    field = op.field
    if kind is migrations.AddField:
        if (
            type(field) in (models.ForeignKey, models.OneToOneField)
            and field.null
            and not field.has_default()
            and not field.has_db_default()
        ):
            return AddForeignKeyField(op.model_name, op.name, field)
        return None
    old = detector.old_field(app_label, op.model_name, op.name)
    if old is None:
        return None
    if (
        _only_change(old, field, "unique")
        and field.unique
        and not old.unique
        and not field.primary_key
        and op.preserve_default
    ):
        return AddUniqueConstraintConcurrently(op.model_name, field=op.name)
    if field.unique or old.unique:
        return None
    if _only_change(old, field, "db_index"):
        if field.db_index:
            return AddIndexConcurrently(op.model_name, field=op.name)
        return DropIndexConcurrently(op.model_name, field=op.name)
    if (
        _only_change(old, field, "null")
        and old.null
        and op.preserve_default
        and not field.has_default()
        and not field.has_db_default()
    ):
        return SetNotNull(op.model_name, op.name)
    return None


def _removed_together(
    detector: SafeMigrationAutodetector, app_label: str, operation: Any
) -> set[tuple[str, ...]]:
    """``unique_together`` entries an ``AlterUniqueTogether`` removes."""
    model_state = detector.from_state.models.get((app_label, operation.name_lower))
    if model_state is None:
        return set()
    before = {tuple(t) for t in model_state.options.get("unique_together", ())}
    return before - {tuple(t) for t in operation.unique_together or ()}


def _defer_replaced_unique_together(
    detector: SafeMigrationAutodetector,
    app_label: str,
    operations: list[Any],
    new_constraints: list[Any],
) -> tuple[list[Any], list[Any]]:
    """Keep ``unique_together`` entries that a new UniqueConstraint replaces until it exists.

    Returns ``operations`` without those removals, and the ``DropIndexConcurrently(fields=)``
    operations that remove them after the new constraints are built.
    """
    replaced = {
        (op.model_name_lower, tuple(op.constraint.fields))
        for op in new_constraints
        if isinstance(op, AddUniqueConstraintConcurrently)
        and op.constraint is not None
        and _plain_unique(op.constraint)
    }
    drops: list[Any] = []
    kept_operations: list[Any] = []
    for operation in operations:
        if type(operation) is migrations.AlterUniqueTogether:
            deferred = {
                fields
                for fields in _removed_together(detector, app_label, operation)
                if (operation.name_lower, fields) in replaced
            }
            if deferred:
                drops += [DropIndexConcurrently(operation.name, fields=f) for f in sorted(deferred)]
                together = {tuple(t) for t in operation.unique_together or ()} | deferred
                before = detector.from_state.models[app_label, operation.name_lower]
                if together == {tuple(t) for t in before.options.get("unique_together", ())}:
                    continue  # nothing else changed: the operation goes away
                operation = migrations.AlterUniqueTogether(operation.name, together)
        kept_operations.append(operation)
    return kept_operations, drops


def _builds_before_implicit_drops(operations: list[Any]) -> list[Any]:
    """Implicit index drops after every build, so no query loses its index in between."""

    def implicit_drop(op: Any) -> bool:
        return isinstance(op, DropIndexConcurrently) and op.name is None

    return [op for op in operations if not implicit_drop(op)] + [
        op for op in operations if implicit_drop(op)
    ]


def _split(
    detector: SafeMigrationAutodetector, app_label: str, migration: Migration
) -> tuple[list[Any], list[Any]]:
    """(operations that stay, operations for the non-atomic migration), in order."""
    stay: list[Any] = []
    move: list[Any] = []
    moved_models: set[str] = set()
    for operation in migration.operations:
        safe = safe_operation(detector, app_label, operation)
        if safe is not None:
            move.append(safe)
            moved_models.add(getattr(operation, "model_name_lower", ""))
        elif any(operation.references_model(m, app_label) for m in moved_models):
            move.append(operation)  # keep its order after the operation it may depend on
        else:
            stay.append(operation)
    return stay, move


@register_rewriter
def rewrite_indexes(
    detector: SafeMigrationAutodetector, migrations_by_app: dict[str, list[Migration]]
) -> None:
    """Move index, unique constraint, NOT NULL and new-FK changes to safe operations."""
    for app_label in list(migrations_by_app):
        pending: list[Any] = []
        migration: Any
        for migration in list(migrations_by_app[app_label]):
            stay, move = _split(detector, app_label, migration)
            if not move:
                continue
            stay, drops = _defer_replaced_unique_together(detector, app_label, stay, move)
            move, more_drops = _defer_replaced_unique_together(detector, app_label, move, move)
            move += drops + more_drops
            if getattr(migration, "atomic", True) is False or not stay:
                # Already non-atomic, or nothing left: the safe operations stay right here.
                migration.operations = _builds_before_implicit_drops(stay + move)
                migration.atomic = False
            else:
                migration.operations = stay
                pending += move
        if pending:
            last: Any = migrations_by_app[app_label][-1]
            if getattr(last, "atomic", True) is False:
                last.operations = _builds_before_implicit_drops(list(last.operations) + pending)
            else:
                detector.add_non_atomic_migration(
                    migrations_by_app, app_label, _builds_before_implicit_drops(pending)
                )
