"""SM906: a column or table is renamed in the database while code is running."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import migrations
from pglast import ast, enums

from safemigrations.lint.model import Severity, Statement
from safemigrations.lint.rules._django import anchor, database_operations, sql_of
from safemigrations.lint.rules.base import Hit, MigrationContext, Rule
from safemigrations.lint.sql import relname

#: The fix variant of a table rename (the main fix is written for a column's).
RENAMED_TABLE = "a renamed table"


class RenameUsedByCode(Rule):
    """``RenameField`` / ``RenameModel`` / ``AlterModelTable`` that really renames in SQL."""

    id = "SM906"
    name = "rename-used-by-code"
    severity = Severity.ERROR
    migration_level = True
    supersedes = ("SM601", "SM602")  # the same rename, seen from the SQL
    title = "Column or table renamed under running code"
    message = "{operation} renames {what} in the database: the code running during the deploy uses the old name"
    why = (
        "A rename is instant (a brief ACCESS EXCLUSIVE lock), but no deploy switches all code "
        "at once: the old code keeps using the old name until it is replaced, and fails with "
        "`column/relation does not exist` from the moment the migration commits (the new code "
        "fails the same way if it starts first)."
    )
    fix = (
        "Keep the database name and rename only in Python: `db_column='{column}'` on the "
        "field `{field}` makes `RenameField` run no SQL. If the database name must change: add the new "
        "column, write both, backfill, switch reads, then drop the old one (expand/contract)."
    )
    fix_variants = {
        RENAMED_TABLE: (
            "Keep the database name and rename only in Python: `db_table = '{table}'` in the "
            "model's `Meta` makes `RenameModel` run no SQL (and `AlterModelTable` unneeded). "
            "If the table name must change, create an updatable view with the old name for "
            "the transition (or expand/contract: a new table, written both ways, back-filled)."
        )
    }
    fix_example = {"column": "name", "field": "full_name", "table": "shop_author"}
    unsafe_example = "migrations.RenameField('author', 'name', 'full_name')"
    safe_example = (
        "migrations.AlterField('author', 'name', models.CharField(max_length=100, "
        "db_column='name'))\n"
        "migrations.RenameField('author', 'name', 'full_name')  # runs no SQL"
    )

    def check_migration(self, ctx: MigrationContext) -> Iterable[Hit]:
        """A hit per rename operation whose SQL renames a column or table."""
        for index, operation in database_operations(ctx.operations):
            sql = sql_of(ctx, index)
            statement = _rename_statement(ctx, index)
            old = _old_names(statement)  # the database names the running code uses
            if isinstance(operation, migrations.RenameField):
                if "RENAME COLUMN" not in sql:
                    continue
                if "column" in old:
                    what = f"column {old['table']}.{old['column']} to {old['new']}"
                else:
                    what = (
                        f"column {operation.model_name}.{operation.old_name} to "
                        f"{operation.new_name}"
                    )
                names = {"field": operation.new_name, **old}
                variant = None
            elif isinstance(operation, migrations.RenameModel | migrations.AlterModelTable):
                if "RENAME TO" not in sql and "RENAME COLUMN" not in sql:
                    continue
                name = getattr(operation, "old_name", None) or operation.name
                what = f"the table of {name}"
                # A model with a fixed db_table renames only its many-to-many columns.
                names = {"table": old["table"]} if "column" not in old and old else {}
                variant = RENAMED_TABLE
            else:
                continue
            names.pop("new", None)
            yield Hit(
                params={"operation": type(operation).__name__, "what": what, **names},
                statement=statement,
                fix_variant=variant,
            )


def _old_names(statement: Statement) -> dict[str, str]:
    """What a ``RENAME`` statement renames, under its names before: ``table`` (the table renamed,
    or whose column is), ``column`` (the column renamed, if one is) and ``new`` (its new name);
    empty when the statement is not a rename."""
    node = statement.node
    if not isinstance(node, ast.RenameStmt) or node.relation is None:
        return {}
    table, new = relname(node.relation), str(node.newname)
    if node.renameType == enums.ObjectType.OBJECT_COLUMN and node.subname:
        return {"table": table, "column": str(node.subname), "new": new}
    if node.renameType == enums.ObjectType.OBJECT_TABLE:
        return {"table": table, "new": new}
    return {}


def _rename_statement(ctx: MigrationContext, index: int) -> Statement:
    """The statement of operation ``index`` that renames (so the finding shows its SQL, not the
    operation's first statement, which may be a constraint drop or another rename's)."""
    for statement in ctx.statements_of(index):
        if "RENAME" in statement.sql.upper():
            return statement
    return anchor(ctx, index)
