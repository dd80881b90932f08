"""SM204: a CHECK constraint added and validated in one step on an existing table."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class AddCheckValidated(Rule):
    """ADD CHECK scans the whole table under ACCESS EXCLUSIVE: nothing can read or write it."""

    id = "SM204"
    name = "add-check-validated"
    severity = Severity.ERROR
    title = "CHECK constraint added without NOT VALID"
    message = "ADD CONSTRAINT {constraint} CHECK on {table} scans every row under ACCESS EXCLUSIVE"
    why = (
        "`ALTER TABLE ... ADD CONSTRAINT ... CHECK` takes ACCESS EXCLUSIVE and reads the whole "
        "table to check existing rows: every read and write waits for the scan."
    )
    fix = (
        "Add it `NOT VALID` (brief lock, no scan) and validate it in a later transaction "
        "(SHARE UPDATE EXCLUSIVE: reads and writes continue) with `AddConstraintNotValid` + "
        "`ValidateConstraint`.\n\n"
        "```python\n"
        "operations = [\n"
        '    AddConstraintNotValid(model_name="{model}", constraint=models.CheckConstraint(\n'
        '        condition={condition}, name="{constraint}")),\n'
        '    ValidateConstraint(model_name="{model}", name="{constraint}"),\n'
        "]\n"
        "```"
    )
    fix_example = {"constraint": "price_gte_0"}
    unsafe_example = 'ALTER TABLE "shop_book" ADD CONSTRAINT "price_gte_0" CHECK ("price" >= 0);'
    safe_example = (
        'ALTER TABLE "shop_book" ADD CONSTRAINT "price_gte_0" CHECK ("price" >= 0) NOT VALID;'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag validated CHECK constraints on tables not created in the same input."""
        for action in stmt.actions_of("add_check", "add_not_null"):
            if action.not_valid or ctx.is_new_table(action.table):
                continue
            yield Hit(
                params={"constraint": action.detail or "(unnamed)", "table": action.table},
                tables=[action.table],
                lock="ACCESS EXCLUSIVE",
            )
