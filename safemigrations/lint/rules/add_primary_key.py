"""SM207: a PRIMARY KEY whose index is built under ACCESS EXCLUSIVE."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import CT, StatementFacts


class AddPrimaryKey(Rule):
    """ADD PRIMARY KEY builds the index and checks NOT NULL while the table is locked for everything."""

    id = "SM207"
    name = "add-primary-key"
    severity = Severity.ERROR
    title = "PRIMARY KEY built under ACCESS EXCLUSIVE"
    message = "{what} on {table} builds the key's index and checks NOT NULL under ACCESS EXCLUSIVE"
    why = (
        "Adding a primary key builds a unique index and makes its columns NOT NULL (a full scan "
        "when they are nullable) inside the ALTER TABLE, holding ACCESS EXCLUSIVE throughout."
    )
    fix = (
        "Make the columns NOT NULL with `SetNotNull` (CHECK NOT VALID + VALIDATE, no long lock), "
        "build the index with `CREATE UNIQUE INDEX CONCURRENTLY` (`AddIndexConcurrently` with a "
        "unique index), then `ALTER TABLE ... ADD CONSTRAINT ... PRIMARY KEY USING INDEX` in a "
        "`migrations.RunSQL` (a brief lock)."
    )
    unsafe_example = 'ALTER TABLE "shop_legacy" ADD PRIMARY KEY ("id");'
    safe_example = (
        'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS "legacy_pk_idx" ON "shop_legacy" ("id");\n'
        'ALTER TABLE "shop_legacy" ADD CONSTRAINT "legacy_pk" PRIMARY KEY USING INDEX "legacy_pk_idx";'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag primary keys built inside ALTER TABLE on existing tables."""
        for action in stmt.actions:
            if ctx.is_new_table(action.table):
                continue
            what = None
            if action.kind == "add_primary_key" and action.builds_index:
                what = "ADD PRIMARY KEY"
            elif action.kind == "add_column" and any(
                c.contype == CT.CONSTR_PRIMARY for c in action.node.constraints or ()
            ):
                what = f"ADD COLUMN {action.column} ... PRIMARY KEY"
            if what:
                yield Hit(params={"what": what, "table": action.table}, tables=[action.table])
