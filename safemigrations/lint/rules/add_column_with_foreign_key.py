"""SM202: ``ADD COLUMN ... REFERENCES``: a new column with an inline, validated foreign key."""

from __future__ import annotations

from collections.abc import Iterable

from pglast import ast

from safemigrations.lint import fixtext
from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import CT, StatementFacts


class AddColumnWithForeignKey(Rule):
    """The column is added under ACCESS EXCLUSIVE and the referenced table is locked too."""

    id = "SM202"
    name = "add-column-with-foreign-key"
    severity = Severity.WARNING
    title = "Column added with an inline foreign key"
    message = (
        "ADD COLUMN {column} ... REFERENCES {referenced} locks {table} (ACCESS EXCLUSIVE) and "
        "{referenced} (SHARE ROW EXCLUSIVE){extra}"
    )
    why = (
        "Django's `AddField(ForeignKey)` emits one `ALTER TABLE ... ADD COLUMN ... REFERENCES`. It "
        "takes ACCESS EXCLUSIVE on the table and SHARE ROW EXCLUSIVE on the referenced table "
        "(writes there wait); with a non-NULL default every existing row is checked under those "
        "locks. It is followed by a plain `CREATE INDEX` on the new column."
    )
    fix = (
        "Use `AddForeignKeyField`: it adds the column, then the constraint `NOT VALID`, "
        "validates it without blocking writes, and builds the index concurrently.\n\n"
        "```python\n"
        "class Migration(migrations.Migration):\n"
        "    atomic = False\n"
        "    operations = [\n"
        '        AddForeignKeyField(model_name="{model}", name="{field}",\n'
        '                           field=models.ForeignKey("{to}", null=True, on_delete=models.SET_NULL)),\n'
        "    ]\n"
        "```"
    )
    fix_example = {"field": "editor", "column": "editor_id"}
    unsafe_example = (
        'ALTER TABLE "shop_book" ADD COLUMN "editor_id" bigint NULL CONSTRAINT "book_editor_fk" '
        'REFERENCES "shop_author" ("id") DEFERRABLE INITIALLY DEFERRED;'
    )
    safe_example = (
        'ALTER TABLE "shop_book" ADD COLUMN "editor_id" bigint NULL;\n'
        'ALTER TABLE "shop_book" ADD CONSTRAINT "book_editor_fk" FOREIGN KEY ("editor_id") '
        'REFERENCES "shop_author" ("id") NOT VALID;'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag ADD COLUMN with a REFERENCES clause on tables that already existed."""
        for action in stmt.actions_of("add_column"):
            if not action.referenced or ctx.is_new_table(action.table):
                continue
            has_default = any(
                c.contype == CT.CONSTR_DEFAULT
                and not (isinstance(c.raw_expr, ast.A_Const) and c.raw_expr.isnull)
                for c in action.node.constraints or ()
            )
            extra = "; its default makes PostgreSQL check every existing row" if has_default else ""
            yield Hit(
                params={
                    "column": action.column,
                    "table": action.table,
                    "referenced": action.referenced,
                    "extra": extra,
                    "field": fixtext.foreign_key_field(action.column) or "",
                },
                severity=Severity.ERROR if has_default else None,
                tables=[action.table, action.referenced],
            )
