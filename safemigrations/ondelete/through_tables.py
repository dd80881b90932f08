"""Warn about ``ON DELETE`` actions that live on an auto-created through table only.

``AddDBCascadeConstraint(..., m2m_side="from"|"to")`` changes the constraint of an auto-created
many-to-many table, but the migration state has no field to record it on: Django builds that
table's keys from the ManyToManyField, always as Python ``CASCADE`` without an action. Any later
operation that re-creates such a key from the state -- an ``AlterField`` that changes the type
of a referenced primary key, a table rebuild on SQLite -- adds it back without the action, and
nothing reports it. The state cannot be taught the action soundly (an auto-created model is
rebuilt from the field at every render), so this check reads the project's migration files and
warns about every action such an operation left on a through table that is still auto-created.
An explicit ``through`` model keeps the action in its own foreign keys' ``on_delete``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db.migrations.exceptions import BadMigrationError, NodeNotFoundError
from django.db.migrations.loader import MigrationLoader

from ..deletion import db_action


def _operations(operations: Iterable[Any]) -> Iterator[Any]:
    """The operations, with those inside ``SeparateDatabaseAndState``'s database side."""
    for operation in operations:
        yield operation
        yield from _operations(getattr(operation, "database_operations", ()))


def through_table_actions() -> dict[tuple[str, str, str, str], tuple[str, str]]:
    """``(app, model, field, side) -> (action, "app.migration")`` the migrations leave behind.

    The last ``AddDBCascadeConstraint`` with ``m2m_side`` for each key, in migration order.
    """
    from ..operations.constraints import AddDBCascadeConstraint

    loader = MigrationLoader(None, ignore_no_migrations=True)
    graph = loader.graph
    seen: set[tuple[str, str]] = set()
    actions: dict[tuple[str, str, str, str], tuple[str, str]] = {}
    for leaf in graph.leaf_nodes():
        for node in graph.forwards_plan(leaf):
            if node in seen:
                continue
            seen.add(node)
            migration = graph.nodes[node]
            for op in _operations(migration.operations):
                if isinstance(op, AddDBCascadeConstraint) and op.m2m_side is not None:
                    key = (node[0], op.model_name_lower, op.name, op.m2m_side)
                    actions[key] = (db_action(op.on_delete) or "NO ACTION", f"{node[0]}.{node[1]}")
    return actions


def check_through_table_actions(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """``safemigrations.W001`` for each action kept on an auto-created through table."""
    try:
        actions = through_table_actions()
    except (BadMigrationError, NodeNotFoundError):  # makemigrations/migrate report these
        return []
    labels = None if app_configs is None else {config.label for config in app_configs}
    warnings: list[checks.CheckMessage] = []
    for (app_label, model_name, name, side), (action, migration) in sorted(actions.items()):
        if action == "NO ACTION" or (labels is not None and app_label not in labels):
            continue
        try:
            field: Any = apps.get_model(app_label, model_name)._meta.get_field(name)
        except (LookupError, FieldDoesNotExist):
            continue
        through: Any = getattr(field.remote_field, "through", None)
        if not field.many_to_many or isinstance(through, str) or not through._meta.auto_created:
            continue
        target: Any = field.model if side == "from" else field.related_model
        warnings.append(
            checks.Warning(
                f"Migration {migration} gave the auto-created table {through._meta.db_table}'s "
                f"key to {target._meta.label} ON DELETE {action} (AddDBCascadeConstraint with "
                f"m2m_side={side!r}). The migration state cannot record an action on an "
                "auto-created table, so an operation that re-creates that key (an AlterField "
                f"changing the type of {target._meta.label}'s primary key, a table rebuild on "
                "SQLite) adds it back without ON DELETE, silently.",
                hint=(
                    f"Give {field.model._meta.label}.{name} an explicit through model on the "
                    "same table (SeparateDatabaseAndState, state only) whose foreign keys use "
                    f"the on_delete value, e.g. InDatabaseToo(models.CASCADE) or DB_CASCADE."
                ),
                obj=field,
                id="safemigrations.W001",
            )
        )
    return warnings
