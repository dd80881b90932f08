"""SM605: ``TRUNCATE`` in a migration."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class Truncate(Rule):
    """TRUNCATE empties tables under ACCESS EXCLUSIVE; CASCADE also empties referencing tables."""

    id = "SM605"
    name = "truncate"
    severity = Severity.ERROR
    title = "TRUNCATE"
    message = "TRUNCATE {tables}{cascade} takes ACCESS EXCLUSIVE and deletes every row"
    why = (
        "`TRUNCATE` takes ACCESS EXCLUSIVE and replaces the table's storage: all rows are gone "
        "and nothing can read the table until the transaction commits. With CASCADE it also "
        "empties every table that references it through a foreign key, however far."
    )
    fix = (
        "Delete the rows you mean to delete in batches (`RunPython` in a non-atomic migration), "
        "naming every table explicitly; never CASCADE in a migration."
    )
    unsafe_example = 'TRUNCATE "shop_book" CASCADE;'
    safe_example = 'DELETE FROM "shop_book" WHERE "id" = 42;'

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag TRUNCATE of tables not created earlier in the same input."""
        tables = [a.table for a in stmt.actions_of("truncate") if not ctx.is_new_table(a.table)]
        if tables:
            cascade = " CASCADE" if getattr(stmt.node, "behavior", 0) == 1 else ""
            yield Hit(params={"tables": ", ".join(tables), "cascade": cascade}, tables=tables)
