"""SM905: a column or table is dropped while the deployed code still maps it."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import migrations

from safemigrations.lint.model import Severity
from safemigrations.lint.rules._django import (
    anchor,
    current_column,
    current_model,
    database_operations,
    sql_of,
)
from safemigrations.lint.rules.base import Hit, MigrationContext, Rule

#: The fix variant of a ``DeleteModel`` (the main fix is written for a ``RemoveField``).
DROPPED_MODEL = "a dropped model"


class DropStillUsedByCode(Rule):
    """``RemoveField`` / ``DeleteModel`` while the models still have the field / model."""

    id = "SM905"
    name = "drop-still-used-by-code"
    severity = Severity.ERROR
    migration_level = True
    supersedes = ("SM603", "SM604")  # the same drop, without knowing the models
    title = "Column or table dropped while the code still uses it"
    message = "{operation} drops {what}, which the current models still map: {consequence}"
    why = (
        "During a deploy the old code keeps running while the migration runs, and the new code "
        "is the one in this checkout. When the models still have the field (or the model), "
        "every query Django writes for it names the column (or table): after the drop they "
        "fail with `column does not exist` until the code changes."
    )
    fix = (
        "Expand/contract in two deploys. First remove the field from the code and from the "
        "migration state only, keeping the column:\n\n"
        "```python\n"
        "migrations.SeparateDatabaseAndState(state_operations=[migrations.RemoveField('{model}', "
        "'{field}')])\n"
        "```\n\n"
        "(make the column nullable or give it a `db_default` first, so inserts without it "
        "work). Deploy. Then drop the column in a later migration "
        "(`RunSQL('ALTER TABLE {table} DROP COLUMN {column}', reverse_sql=…)`)."
    )
    fix_variants = {
        DROPPED_MODEL: (
            "Expand/contract in two deploys. First remove the model from the code and from "
            "the migration state only, keeping the table:\n\n"
            "```python\n"
            "migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel("
            "'{model}')])\n"
            "```\n\n"
            "Deploy. Then drop the table in a later migration "
            "(`RunSQL('DROP TABLE {table}', reverse_sql=…)`), after the foreign keys that "
            "point to it."
        )
    }
    fix_example = {"field": "pages", "column": "pages"}
    unsafe_example = "migrations.RemoveField('book', 'pages')  # Book.pages still in models.py"
    safe_example = (
        "migrations.SeparateDatabaseAndState(state_operations=[migrations.RemoveField('book', "
        "'pages')])"
    )

    def check_migration(self, ctx: MigrationContext) -> Iterable[Hit]:
        """A hit per dropped field / model the deployed models still have."""
        for index, operation in database_operations(ctx.operations):
            if isinstance(operation, migrations.RemoveField):
                column = current_column(ctx.app, operation.model_name, operation.name)
                if column is None:
                    continue
                what = f"column {operation.model_name}.{operation.name}"
                consequence = "queries of the new code on this model will fail"
                model = current_model(ctx.app, operation.model_name)
                names = {"column": column, "field": operation.name}
                if model is not None:
                    names["table"] = model._meta.db_table
                variant = None
            elif isinstance(operation, migrations.DeleteModel):
                model = current_model(ctx.app, operation.name)
                if model is None or not model._meta.managed or model._meta.proxy:
                    continue
                if "DROP TABLE" not in sql_of(ctx, index):
                    continue  # a proxy or unmanaged model in the migration state: no SQL ran
                what = f"table {model._meta.db_table}"
                consequence = f"every query on {operation.name} will fail"
                names = {"model": operation.name, "table": model._meta.db_table}
                variant = DROPPED_MODEL
            else:
                continue
            yield Hit(
                params={
                    "operation": type(operation).__name__,
                    "what": what,
                    "consequence": consequence,
                    **names,
                },
                statement=anchor(ctx, index),
                fix_variant=variant,
            )
