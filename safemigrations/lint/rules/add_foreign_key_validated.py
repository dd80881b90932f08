"""SM201: a foreign key added and validated in one step on an existing table."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint import fixtext
from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class AddForeignKeyValidated(Rule):
    """Validating a new FK reads the whole table while writes to both tables wait."""

    id = "SM201"
    name = "add-foreign-key-validated"
    severity = Severity.ERROR
    title = "Foreign key added without NOT VALID"
    message = (
        "ADD FOREIGN KEY on {table} checks every row while holding SHARE ROW EXCLUSIVE on "
        "{table} and {referenced}: writes to both wait"
    )
    why = (
        "`ALTER TABLE ... ADD FOREIGN KEY` takes SHARE ROW EXCLUSIVE on the table *and* on the "
        "referenced table, then scans the whole table to check existing rows. INSERT, UPDATE "
        "and DELETE on both tables wait for the whole scan."
    )
    fix = (
        "Add the constraint `NOT VALID` (brief lock, no scan), then `VALIDATE CONSTRAINT` in a "
        "later step (SHARE UPDATE EXCLUSIVE: reads and writes continue). "
        "`AddDBCascadeConstraint` does both for a database-level ON DELETE, and "
        "`AddForeignKeyField` for a new ForeignKey column; for other constraints use "
        "`AddConstraintNotValid` + `ValidateConstraint`.\n\n"
        "```python\n"
        "operations = [\n"
        '    AddForeignKeyField(model_name="{model}", name="{field}",\n'
        '                       field=models.ForeignKey("{to}", null=True, on_delete=models.CASCADE)),\n'
        "]\n"
        "```"
    )
    fix_example = {"field": "author", "column": "author_id", "constraint": "book_author_fk"}
    unsafe_example = (
        'ALTER TABLE "shop_book" ADD CONSTRAINT "book_author_fk" FOREIGN KEY ("author_id") '
        'REFERENCES "shop_author" ("id");'
    )
    safe_example = (
        'ALTER TABLE "shop_book" ADD CONSTRAINT "book_author_fk" FOREIGN KEY ("author_id") '
        'REFERENCES "shop_author" ("id") NOT VALID;\n'
        'ALTER TABLE "shop_book" VALIDATE CONSTRAINT "book_author_fk";'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag validated FKs added to tables not created earlier in the same input."""
        for action in stmt.actions_of("add_foreign_key"):
            if action.not_valid or ctx.is_new_table(action.table):
                continue
            yield Hit(
                params={
                    "table": action.table,
                    "referenced": action.referenced,
                    "constraint": action.detail,
                    **_columns(action.node),
                },
                tables=[action.table, action.referenced or ""],
                lock="SHARE ROW EXCLUSIVE",
            )


def _columns(con: object) -> dict[str, str]:
    """The fix names of a one-column foreign key: its column and Django field."""
    keys = [getattr(k, "sval", "") for k in getattr(con, "fk_attrs", None) or ()]
    if len(keys) != 1 or not keys[0]:
        return {}
    field = fixtext.foreign_key_field(keys[0])
    return {"column": keys[0], **({"field": field} if field else {})}
