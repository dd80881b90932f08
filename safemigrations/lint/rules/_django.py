"""What the Django-level rules share: walking operations, anchoring findings, reading models."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.apps import apps as current_apps
from django.db import migrations

from safemigrations.lint.model import Statement
from safemigrations.lint.rules.base import MigrationContext
from safemigrations.lint.source import source_of
from safemigrations.operations.namesakes import is_operation


def database_operations(operations: Any) -> Iterator[tuple[int, Any]]:
    """``(top-level index, operation)`` for every operation that touches the database.

    ``SeparateDatabaseAndState`` is opened: its ``database_operations`` run, its
    ``state_operations`` do not.
    """
    for index, operation in enumerate(operations):
        yield from _database_side(index, operation)


def _database_side(index: int, operation: Any) -> Iterator[tuple[int, Any]]:
    if isinstance(operation, migrations.SeparateDatabaseAndState):
        for inner in operation.database_operations:
            yield from _database_side(index, inner)
    else:
        yield index, operation


def anchor(ctx: MigrationContext, index: int | None) -> Statement:
    """The first statement operation ``index`` ran, or a statement located at the operation in
    the migration file when it ran none."""
    if index is not None:
        for statement in ctx.statements:
            if statement.operation_index == index:
                return statement
    source = source_of(ctx.migration)
    description = None
    if index is not None and 0 <= index < len(ctx.operations):
        try:
            description = str(ctx.operations[index].describe())
        except Exception:
            description = type(ctx.operations[index]).__name__
    return Statement(
        sql="",
        line=source.operation_line(index) if source else 1,
        file=source.display_path() if source else None,
        app=ctx.app,
        migration=ctx.name,
        operation_index=index,
        operation=description,
    )


def is_kind(operation: Any, cls: type) -> bool:
    """True when ``operation`` is safemigrations' ``cls`` or Django's ``contrib.postgres`` class
    of the same name (a subclass of either too), told by class, not by name."""
    return is_operation(operation, cls)


def current_model(app_label: str, model_name: str) -> Any | None:
    """The model class of the code being deployed (``INSTALLED_APPS``' models), or None."""
    try:
        return current_apps.get_model(app_label, model_name)
    except LookupError:
        return None


def current_column(app_label: str, model_name: str, field_name: str) -> str | None:
    """The column the deployed code still maps ``model.field`` to, or None when it has none."""
    model = current_model(app_label, model_name)
    if model is None:
        return None
    try:
        field = model._meta.get_field(field_name)
    except Exception:
        return None
    column = getattr(field, "column", None)
    return column if getattr(field, "concrete", False) else None


def sql_of(ctx: MigrationContext, index: int) -> str:
    """All SQL operation ``index`` ran, upper-cased, for simple searches."""
    return "\n".join(s.sql for s in ctx.statements_of(index)).upper()
