"""SM603: ``DROP COLUMN`` while the running code may still select it."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class DropColumn(Rule):
    """Django selects every model field by name: old code fails once the column is gone."""

    id = "SM603"
    name = "drop-column"
    severity = Severity.WARNING
    title = "Column dropped while code may still use it"
    message = "DROP COLUMN {column} on {table}: code still listing the column fails"
    why = (
        "Dropping is instant (ACCESS EXCLUSIVE, briefly; for a foreign-key column also on the "
        "referenced table). But Django lists every field in its queries, so servers still "
        'running the release that has the field fail with "column does not exist".'
    )
    fix = (
        "Remove the field from the model first with a state-only migration "
        "(`SeparateDatabaseAndState(state_operations=[RemoveField(...)])`), deploy, and drop "
        "the column in a later release. Drop a foreign key's constraint before the column."
    )
    unsafe_example = 'ALTER TABLE "shop_book" DROP COLUMN "notes" CASCADE;'
    safe_example = 'ALTER TABLE "shop_book" ALTER COLUMN "notes" DROP NOT NULL;'

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag column drops on existing tables."""
        for action in stmt.actions_of("drop_column"):
            if not ctx.is_new_table(action.table):
                yield Hit(params={"column": action.column, "table": action.table})
