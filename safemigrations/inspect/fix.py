"""``inspectdrift --fix``: a migration of safemigrations operations that removes the drift.

One migration per app, after the app's leaf, ``atomic = False`` when an operation needs it.
Each fixable finding (:attr:`Drift.remedy`) becomes one operation:

- ``on_delete``: ``AddDBCascadeConstraint(model, field, on_delete=<the model's value>)`` — the
  state keeps the value it has, the database gets its action (NOT VALID, VALIDATE, swap).
- ``validate``: ``ValidateConstraint(model, name)``.
- ``rebuild_index`` / ``rebuild_field_index`` / ``add_field_index`` on a field Django indexes:
  ``AddIndexConcurrently`` inside ``SeparateDatabaseAndState``: only the database changes
  (an INVALID leftover is dropped and built again). The state already holds the index, so the
  database operations start from a state without it.
- ``add_field_index`` on a ``db_index=False`` field, ``drop_field_index``, ``drop_meta_index``:
  the operation changes the state too (``db_index``, ``Meta.indexes``), and the report says
  which model edit goes with it, so ``makemigrations`` stays quiet once the model says the same.
- ``drop_unknown_index``: an index the models do not declare, dropped with
  ``DROP INDEX CONCURRENTLY IF EXISTS`` (``RunSQL``; nothing to restore backwards).

Whatever has no remedy is listed as not fixed, with what a person has to do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import migrations
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.autodetector import MigrationAutodetector
from django.db.migrations.executor import MigrationExecutor

from safemigrations.autodetect.writer import SafeMigrationWriter
from safemigrations.exceptions import FixError
from safemigrations.operations.constraints import AddDBCascadeConstraint, ValidateConstraint
from safemigrations.operations.equivalent import field_with
from safemigrations.operations.indexes import AddIndexConcurrently, DropIndexConcurrently

from .drift import Drift
from .expected import ExpectedModel


@dataclass
class WrittenFix:
    """A migration written by :func:`write_fixes`, and the model edits that go with it."""

    app_label: str
    name: str
    path: str
    fixed: list[Drift] = field(default_factory=list)
    model_edits: list[str] = field(default_factory=list)


@dataclass
class FixPlan:
    """What :func:`write_fixes` wrote, and the findings a person has to handle."""

    written: list[WrittenFix] = field(default_factory=list)
    not_fixed: list[Drift] = field(default_factory=list)


def write_fixes(
    connection: BaseDatabaseWrapper,
    findings: Sequence[Drift],
    models: Sequence[ExpectedModel],
    *,
    name: str = "fix_drift",
) -> FixPlan:
    """Write one migration per app for the fixable ``findings``; list the others."""
    executor = MigrationExecutor(connection)
    loader = executor.loader
    by_label = {(m.app_label, m.model_name): m for m in models}
    plan = FixPlan()
    per_app: dict[str, list[Drift]] = {}
    for drift in findings:
        if drift.remedy is None or drift.app is None:
            plan.not_fixed.append(drift)
        else:
            per_app.setdefault(drift.app, []).append(drift)
    for app_label, drifts in sorted(per_app.items()):
        leaves = loader.graph.leaf_nodes(app_label)
        if not leaves:
            raise FixError(
                f"{app_label} has no migrations to add a fix after: run makemigrations "
                f"{app_label} and migrate first."
            )
        unapplied = [key for key in leaves if key not in loader.applied_migrations]
        if unapplied:
            raise FixError(
                f"{app_label} has migrations not applied to this database "
                f"({', '.join(n for _, n in unapplied)}): apply them (migrate {app_label}) and "
                "inspect again, so the fix starts from the state the database is in."
            )
        operations: list[Any] = []
        written = WrittenFix(app_label=app_label, name="", path="")
        for drift in drifts:
            assert drift.remedy is not None
            model = by_label[(app_label, drift.remedy["model"])]
            op, edit = _operation(drift.remedy, model)
            operations.append(op)
            written.fixed.append(drift)
            if edit:
                written.model_edits.append(edit)
        number = max((MigrationAutodetector.parse_number(n) or 0) for _, n in leaves) + 1
        attributes = {
            "dependencies": list(leaves),
            "operations": operations,
            "atomic": not any(_non_atomic(op) for op in operations),
        }
        migration_class = type("Migration", (migrations.Migration,), attributes)
        migration = migration_class(f"{number:04d}_{name}", app_label)
        writer = SafeMigrationWriter(migration)
        path = Path(writer.path)
        path.write_text(writer.as_string())
        written.name, written.path = migration.name, str(path)
        plan.written.append(written)
    return plan


def _non_atomic(op: Any) -> bool:
    if isinstance(op, migrations.SeparateDatabaseAndState):
        return any(_non_atomic(inner) for inner in op.database_operations)
    if isinstance(op, migrations.RunSQL):
        return "CONCURRENTLY" in str(op.sql)
    return bool(getattr(op, "requires_non_atomic", False))


def _database_only(state_undo: list[Any], operation: Any) -> Any:
    """``operation`` for the database only: its state change is undone first, then redone."""
    return migrations.SeparateDatabaseAndState(
        database_operations=[
            migrations.SeparateDatabaseAndState(state_operations=state_undo),
            operation,
        ]
    )


def _operation(remedy: dict[str, str], model: ExpectedModel) -> tuple[Any, str]:
    """The operation for one remedy, and the model edit it needs (or "")."""
    op, name = remedy["op"], model.model_name
    meta = model.model._meta
    if op == "on_delete":
        value = meta.get_field(remedy["field"]).remote_field.on_delete
        return AddDBCascadeConstraint(name, remedy["field"], on_delete=value), ""
    if op == "validate":
        return ValidateConstraint(name, remedy["name"]), ""
    if op == "rebuild_index":
        index = next(i for i in meta.indexes if i.name == remedy["index"])
        return _database_only(
            [migrations.RemoveIndex(name, index.name)], AddIndexConcurrently(name, index)
        ), ""
    if op in ("rebuild_field_index", "add_field_index"):
        field_name = remedy["field"]
        current = meta.get_field(field_name)
        if current.db_index:
            undo = migrations.AlterField(name, field_name, field_with(current, db_index=False))
            return _database_only([undo], AddIndexConcurrently(name, field=field_name)), ""
        return (
            AddIndexConcurrently(name, field=field_name),
            f"{model.label}.{field_name}: remove db_index=False (or set db_index=True)",
        )
    if op == "drop_field_index":
        return (
            DropIndexConcurrently(name, field=remedy["field"]),
            f"{model.label}.{remedy['field']}: set db_index=False",
        )
    if op == "drop_meta_index":
        return (
            DropIndexConcurrently(name, remedy["index"]),
            f"{model.label}: remove {remedy['index']!r} from Meta.indexes",
        )
    if op == "drop_unknown_index":
        quoted = '"' + remedy["index"].replace('"', '""') + '"'
        return (
            migrations.RunSQL(
                f"DROP INDEX CONCURRENTLY IF EXISTS {quoted}", reverse_sql=migrations.RunSQL.noop
            ),
            "",
        )
    raise FixError(f"unknown remedy {op!r}")
