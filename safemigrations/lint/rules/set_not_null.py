"""SM501: ``ALTER COLUMN ... SET NOT NULL`` scans the table under ACCESS EXCLUSIVE."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts, short


class SetNotNull(Rule):
    """Unless a validated CHECK (col IS NOT NULL) exists, SET NOT NULL reads every row under the strongest lock."""

    id = "SM501"
    name = "set-not-null"
    severity = Severity.ERROR
    title = "SET NOT NULL with a full-table scan"
    message = "SET NOT NULL on {table}.{column} scans every row under ACCESS EXCLUSIVE"
    why = (
        "`ALTER COLUMN ... SET NOT NULL` takes ACCESS EXCLUSIVE and reads the whole table to "
        "prove there is no NULL: no reads, no writes meanwhile. PostgreSQL 12+ skips the scan "
        "when a validated `CHECK (col IS NOT NULL)` constraint already exists; PostgreSQL 18 "
        "can also add `NOT NULL ... NOT VALID` and validate it later."
    )
    fix = (
        "Use `SetNotNull`: it adds `CHECK (col IS NOT NULL) NOT VALID`, validates it (SHARE "
        "UPDATE EXCLUSIVE: reads and writes continue), sets NOT NULL without a scan, and drops "
        "the helper constraint.\n\n"
        "```python\n"
        "class Migration(migrations.Migration):\n"
        "    atomic = False\n"
        '    operations = [SetNotNull(model_name="{model}", name="{field}")]\n'
        "```"
    )
    fix_example = {"field": "isbn", "column": "isbn"}
    unsafe_example = 'ALTER TABLE "shop_book" ALTER COLUMN "isbn" SET NOT NULL;'
    safe_example = (
        'ALTER TABLE "shop_book" ADD CONSTRAINT "isbn_nn" CHECK ("isbn" IS NOT NULL) NOT VALID;\n'
        'ALTER TABLE "shop_book" VALIDATE CONSTRAINT "isbn_nn";\n'
        'ALTER TABLE "shop_book" ALTER COLUMN "isbn" SET NOT NULL;\n'
        'ALTER TABLE "shop_book" DROP CONSTRAINT "isbn_nn";'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag SET NOT NULL without a validated IS NOT NULL check seen earlier."""
        for action in stmt.actions_of("set_not_null"):
            if ctx.is_new_table(action.table):
                continue
            if (short(action.table), action.column) in ctx.not_null_checks:
                continue
            yield Hit(
                params={"table": action.table, "column": action.column},
                tables=[action.table],
                lock="ACCESS EXCLUSIVE",
            )
