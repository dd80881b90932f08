"""SM208: ``ADD PRIMARY KEY USING INDEX`` scans the table when the key columns are nullable."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class PrimaryKeyUsingIndex(Rule):
    """The implicit SET NOT NULL of a primary key scans the table under ACCESS EXCLUSIVE."""

    id = "SM208"
    name = "primary-key-using-index"
    severity = Severity.WARNING
    title = "PRIMARY KEY USING INDEX over columns that may be nullable"
    message = (
        "ADD PRIMARY KEY USING INDEX on {table}: if its columns are not already NOT NULL, "
        "PostgreSQL scans every row under ACCESS EXCLUSIVE"
    )
    why = (
        "A primary key implies NOT NULL. When the columns are nullable, attaching the index "
        "sets NOT NULL, which reads the whole table while holding ACCESS EXCLUSIVE."
    )
    fix = (
        "Make the columns NOT NULL first with `SetNotNull` (it validates a CHECK (col IS NOT "
        "NULL) without blocking, then sets NOT NULL without a scan), then attach the index."
    )
    unsafe_example = 'ALTER TABLE "shop_legacy" ADD CONSTRAINT "legacy_pk" PRIMARY KEY USING INDEX "legacy_pk_idx";'
    safe_example = (
        'ALTER TABLE "shop_legacy" ADD CONSTRAINT "legacy_uniq" UNIQUE USING INDEX "legacy_idx";'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag PRIMARY KEY USING INDEX on existing tables, unless the index was created earlier
        in the input over columns known to be NOT NULL."""
        for action in stmt.actions_of("add_primary_key"):
            if action.builds_index or ctx.is_new_table(action.table):
                continue
            columns = ctx.index_columns.get(getattr(action.node, "indexname", None) or "")
            if columns and all(c and ctx.is_not_null(action.table, c) for c in columns):
                continue
            yield Hit(params={"table": action.table}, tables=[action.table])
