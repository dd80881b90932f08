"""SM205: ``ADD COLUMN ... CHECK (...)``: the new column's CHECK is validated under ACCESS EXCLUSIVE."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import CT, StatementFacts


class AddColumnInlineCheck(Rule):
    """Django emits this for every ``PositiveIntegerField``: a scan of the table under the strongest lock."""

    id = "SM205"
    name = "add-column-inline-check"
    severity = Severity.ERROR
    title = "Column added with an inline CHECK"
    message = "ADD COLUMN {column} ... CHECK on {table} scans every row under ACCESS EXCLUSIVE"
    why = (
        "A CHECK written in the column definition cannot be NOT VALID: PostgreSQL checks every "
        "existing row while holding ACCESS EXCLUSIVE, so reads and writes wait for a full scan. "
        "Django writes one for `PositiveIntegerField`, `PositiveSmallIntegerField` and friends."
    )
    fix = (
        "Add the column without the CHECK, then add the CHECK with `AddConstraintNotValid` + "
        "`ValidateConstraint` (or use an IntegerField plus a `CheckConstraint` added that way).\n\n"
        "```python\n"
        "operations = [\n"
        '    migrations.AddField("{model}", "{field}", models.IntegerField(null=True)),\n'
        '    AddConstraintNotValid(model_name="{model}", constraint=models.CheckConstraint(\n'
        '        condition={condition}, name="{constraint}")),\n'
        '    ValidateConstraint(model_name="{model}", name="{constraint}"),\n'
        "]\n"
        "```"
    )
    fix_example = {
        "field": "stock",
        "column": "stock",
        "condition": "models.Q(stock__gte=0)",
        "constraint": "book_stock_gte_0",
    }
    unsafe_example = 'ALTER TABLE "shop_book" ADD COLUMN "stock" integer NULL CHECK ("stock" >= 0);'
    safe_example = 'ALTER TABLE "shop_book" ADD COLUMN "stock" integer NULL;'

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag inline CHECK constraints in ADD COLUMN on existing tables."""
        for action in stmt.actions_of("add_column"):
            if ctx.is_new_table(action.table):
                continue
            checks = [c for c in action.node.constraints or () if c.contype == CT.CONSTR_CHECK]
            if checks:
                yield Hit(
                    params={
                        "column": action.column,
                        "table": action.table,
                        "constraint": checks[0].conname or "",
                    },
                    tables=[action.table],
                    lock="ACCESS EXCLUSIVE",
                )
