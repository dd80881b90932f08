"""SM209: an EXCLUDE constraint, which has no online way to be added."""

from __future__ import annotations

from collections.abc import Iterable

from safemigrations.lint.model import Severity
from safemigrations.lint.rules.base import Hit, LintContext, Rule
from safemigrations.lint.sql import StatementFacts


class AddExclusionConstraint(Rule):
    """Exclusion constraints build their index under ACCESS EXCLUSIVE and cannot be NOT VALID."""

    id = "SM209"
    name = "add-exclusion-constraint"
    severity = Severity.ERROR
    title = "EXCLUDE constraint on an existing table"
    message = "ADD CONSTRAINT ... EXCLUDE on {table} builds its index under ACCESS EXCLUSIVE"
    why = (
        "PostgreSQL builds the exclusion index and checks every row inside the ALTER TABLE, "
        "holding ACCESS EXCLUSIVE (no reads, no writes). Unlike CHECK and FOREIGN KEY there is "
        "no NOT VALID form and no USING INDEX form."
    )
    fix = (
        "There is no lock-free way. Add it while the table is small, during a maintenance "
        "window, or enforce the rule in a new table that is back-filled and swapped in. Set a "
        "short `lock_timeout` so the migration fails fast instead of queueing traffic."
    )
    unsafe_example = 'ALTER TABLE "shop_booking" ADD CONSTRAINT "no_overlap" EXCLUDE USING gist ("period" WITH &&);'
    safe_example = (
        'CREATE TABLE "shop_booking2" ("id" bigint, "period" tstzrange, '
        'CONSTRAINT "no_overlap2" EXCLUDE USING gist ("period" WITH &&));'
    )

    def check(self, stmt: StatementFacts, ctx: LintContext) -> Iterable[Hit]:
        """Flag EXCLUDE added to existing tables."""
        for action in stmt.actions_of("add_exclusion"):
            if not ctx.is_new_table(action.table):
                yield Hit(params={"table": action.table}, tables=[action.table])
