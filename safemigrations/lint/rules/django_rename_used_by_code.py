"""SM906: a column or table is renamed in the database while code is running."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import migrations
from pglast import ast

from safemigrations.lint.model import Severity, Statement
from safemigrations.lint.rules._django import anchor, database_operations, sql_of
from safemigrations.lint.rules.base import Hit, MigrationContext, Rule
from safemigrations.lint.sql import relname


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
        "Keep the database name and rename only in Python: `db_column='old_name'` on the field "
        "(or `db_table` on the model) makes `RenameField`/`RenameModel` run no SQL. If the "
        "database name must change: add the new column, write both, backfill, switch reads, "
        "then drop the old one (expand/contract)."
    )
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
            if isinstance(operation, migrations.RenameField):
                if "RENAME COLUMN" not in sql:
                    continue
                what = _renamed_column(_rename_statement(ctx, index)) or (
                    f"column {operation.model_name}.{operation.old_name} to {operation.new_name}"
                )
            elif isinstance(operation, migrations.RenameModel | migrations.AlterModelTable):
                if "RENAME TO" not in sql and "RENAME COLUMN" not in sql:
                    continue
                name = getattr(operation, "old_name", None) or operation.name
                what = f"the table of {name}"
            else:
                continue
            yield Hit(
                params={"operation": type(operation).__name__, "what": what},
                statement=_rename_statement(ctx, index),
            )


def _renamed_column(statement: Statement) -> str | None:
    """``column shop_book.author_id to writer_id``: the database names the running code uses,
    read from the ``RENAME COLUMN`` statement (None when it is not one)."""
    node = statement.node
    if not isinstance(node, ast.RenameStmt) or node.relation is None or not node.subname:
        return None
    return f"column {relname(node.relation)}.{node.subname} to {node.newname}"


def _rename_statement(ctx: MigrationContext, index: int) -> Statement:
    """The statement of operation ``index`` that renames (so the finding shows its SQL, not the
    operation's first statement, which may be a constraint drop or another rename's)."""
    for statement in ctx.statements_of(index):
        if "RENAME" in statement.sql.upper():
            return statement
    return anchor(ctx, index)
