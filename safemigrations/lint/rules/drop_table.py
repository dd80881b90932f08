"""SM604: ``DROP TABLE`` while running code may still use it."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class DropTable(Rule):
    """Dropping locks the table and every table it references; old code fails afterwards."""

    id = "SM604"
    name = "drop-table"
    severity = Severity.WARNING
    title = "Table dropped while code may still use it"
    message = "DROP of {table}: code still using it fails, and tables it references are locked too"
    why = (
        "`DROP TABLE` takes ACCESS EXCLUSIVE on the table and on every table its foreign keys "
        "reference (to remove their triggers), so a busy parent table is blocked too. Servers "
        "still running the release that has the model fail afterwards."
    )
    fix = (
        "Remove the model from the code first (state-only `SeparateDatabaseAndState` with "
        "`DeleteModel`), deploy, then drop its foreign-key constraints one by one (with a lock "
        "timeout) and the table in a later release."
    )
    unsafe_example = 'DROP TABLE "shop_writer" CASCADE;'
    safe_example = 'CREATE TABLE "shop_tmp" ("id" bigint);\nDROP TABLE "shop_tmp";'

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag drops of tables not created earlier in the same input."""
        for action in stmt.actions_of("drop_table"):
            if not ctx.is_new_table(action.table) and "TABLE" in action.detail:
                yield Hit(params={"table": action.table})
