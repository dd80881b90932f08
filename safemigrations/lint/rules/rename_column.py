"""SM601: ``RENAME COLUMN`` breaks the application code that is still running."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class RenameColumn(Rule):
    """Servers still running the previous release query the old column name and fail."""

    id = "SM601"
    name = "rename-column"
    severity = Severity.WARNING
    title = "Column renamed on a live table"
    message = "RENAME COLUMN {column} on {table}: running code that uses the old name fails"
    why = (
        "The rename itself is instant (a brief ACCESS EXCLUSIVE lock), but application servers "
        "running the previous release keep using the old column name until they are replaced, "
        'and their queries fail with "column does not exist".'
    )
    fix = (
        'Keep the database name and rename only in Django: `db_column="{column}"` on the '
        "renamed field (a state-only change, no SQL). Or add a new column, write to both, "
        "back-fill, switch reads, then drop the old one."
    )
    fix_example = {"column": "old_name"}
    unsafe_example = 'ALTER TABLE "shop_book" RENAME COLUMN "notes" TO "remarks";'
    safe_example = 'ALTER TABLE "shop_book" ADD COLUMN "remarks" text NULL;'

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag column renames on existing tables."""
        for action in stmt.actions_of("rename_column"):
            if not ctx.is_new_table(action.table):
                yield Hit(params={"column": action.column, "table": action.table})
